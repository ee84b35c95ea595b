import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@mlp/core';
import type { DataLayout } from './data-layout.js';
import type { ObjectCache } from './object-cache.js';
import type { RemoteConfig } from './remote-config.js';
import { openStateCache, type StateCache } from './state-cache.js';

/** What the data operations share: where things are, the cache, the remotes' config. */
export interface RepoContext {
  layout: DataLayout;
  cache: ObjectCache;
  remotes: RemoteConfig;
  logger: Logger | undefined;
}

/** Runs `work` with the state cache loaded once, and saves it afterwards (also after a failure: what was hashed stays hashed). */
export async function withState<T>(context: RepoContext, work: (state: StateCache) => Promise<T>): Promise<T> {
  // Someone may have removed cache folders since the last operation.
  context.cache.forgetFolders();
  const state = await openStateCache(context.layout.stateFile, context.layout.root);
  try {
    return await work(state);
  } finally {
    await mkdir(path.dirname(context.layout.stateFile), { recursive: true }).catch(() => {});
    await state.save().catch((error: unknown) => context.logger?.warn({ error }, 'could not save the data state cache'));
  }
}
