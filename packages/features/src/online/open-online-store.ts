import { MlpError, maskUrl, type Workspace } from '@mlp/core';
import type { OnlineStore } from './online-store.js';
import { openRedisOnlineStore } from './redis-online-store.js';
import { openSqlOnlineStore } from './sql-online-store.js';

export interface OnlineStoreOptions {
  /**
   * `workspace` (the workspace database) or `redis://…`; else `MLP_FEATURES_ONLINE_URL`, else
   * `features.online.url` in `mlp.config.json`, else `workspace`.
   */
  url?: string;
  /** Redis key prefix; else `MLP_FEATURES_ONLINE_KEY_PREFIX`, else `mlp:features:` (workspaces sharing a Redis each need their own). */
  keyPrefix?: string;
  /** Read `MLP_FEATURES_ONLINE_URL` and `MLP_FEATURES_ONLINE_KEY_PREFIX` from here instead of `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where the online store is, and which setting said so (for messages and `--json`). */
export function onlineStoreUrl(workspace: Pick<Workspace, 'config'>, options: OnlineStoreOptions = {}): string {
  const fromEnv = (options.env ?? process.env).MLP_FEATURES_ONLINE_URL;
  const url = options.url ?? (fromEnv === '' ? undefined : fromEnv) ?? workspace.config.features?.online.url ?? 'workspace';
  if (url !== 'workspace' && !/^rediss?:\/\//.test(url)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The online store URL ${JSON.stringify(maskUrl(url))} is not valid: use "workspace" or redis://host:port[/db] (MLP_FEATURES_ONLINE_URL or features.online.url).`,
    );
  }
  return url;
}

/** Opens the configured online store: the workspace database by default, Redis when a redis:// URL is set. */
export async function openOnlineStore(workspace: Workspace, options: OnlineStoreOptions = {}): Promise<OnlineStore> {
  const url = onlineStoreUrl(workspace, options);
  if (url === 'workspace') return openSqlOnlineStore(workspace);
  const keyPrefix = options.keyPrefix ?? ((options.env ?? process.env).MLP_FEATURES_ONLINE_KEY_PREFIX || undefined);
  return openRedisOnlineStore({ url, ...(keyPrefix ? { keyPrefix } : {}) });
}
