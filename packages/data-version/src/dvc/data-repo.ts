import type { Logger } from '@mlp/core';
import { type AddedEntry, addPaths } from './add-paths.js';
import { type CheckoutOptions, type CheckoutReport, checkoutOuts } from './checkout.js';
import { type DataLayout, resolveDataLayout } from './data-layout.js';
import { collectGarbage, type GcOptions, type GcReport } from './gc.js';
import type { LinkType } from './materialize.js';
import { createObjectCache } from './object-cache.js';
import type { ProgressListener } from './progress.js';
import { withProjectLock } from './project-lock.js';
import { type AddRemoteOptions, createRemoteConfig, type RemoteInfo } from './remote-config.js';
import { openRemoteStore } from './remote-store.js';
import { type RepoContext, withState } from './repo-context.js';
import { computeStatus, type StatusReport } from './status.js';
import { downloadVerified, fetchObjects, pushObjects, type TransferOptions, type TransferReport } from './transfer.js';

export interface DataRepoOptions {
  /** The project root: holds `.dvc/` (shared with DVC) or `.mlp/`. Paths given to the repo are relative to it. */
  root: string;
  logger?: Logger;
  /** How long add, checkout, pull, fetch and gc wait for another command holding the project lock, in ms (default 15 s: past a dead holder's lock). */
  lockWaitMs?: number;
}

/** The remotes of the project (DVC's `.dvc/config`, or `.mlp/data-config.json`). */
export interface DataRemotes {
  add(name: string, url: string, options?: AddRemoteOptions): Promise<void>;
  /** Configured remotes, without credentials. */
  list(): Promise<RemoteInfo[]>;
  setDefault(name: string): Promise<void>;
}

/** A project's versioned data, byte-compatible with DVC 3. */
export interface DataRepo {
  readonly root: string;
  /** The cache root (objects under `files/md5/`). */
  readonly cacheDir: string;
  /** Whether the project is shared with DVC (`.dvc/`) or mlp's own (`.mlp/`). */
  readonly layout: DataLayout;
  /** Hashes files or folders into the cache and writes their `.dvc` files. */
  add(paths: string[], options?: { onProgress?: ProgressListener }): Promise<AddedEntry[]>;
  status(targets?: string[]): Promise<StatusReport>;
  /** Restores the versions the `.dvc` files record. Objects missing or corrupt are fetched from the default remote when one is configured. */
  checkout(targets?: string[], options?: { force?: boolean; link?: LinkType; onProgress?: ProgressListener }): Promise<CheckoutReport>;
  push(options?: TransferOptions): Promise<TransferReport>;
  fetch(options?: TransferOptions): Promise<TransferReport>;
  /** fetch, then checkout of the same targets. */
  pull(options?: TransferOptions & { force?: boolean; link?: LinkType }): Promise<TransferReport & { checkout: CheckoutReport }>;
  /** Removes unreferenced cache objects; a dry run unless `dryRun: false`. */
  gc(options?: GcOptions): Promise<GcReport>;
  readonly remotes: DataRemotes;
  /** Absolute cache path of an object, for readers: `<cache>/files/md5/ab/cdef…`. */
  cachePath(md5: string): string;
}

export async function openDataRepo(options: DataRepoOptions): Promise<DataRepo> {
  const layout = await resolveDataLayout(options.root);
  const context: RepoContext = {
    layout,
    cache: createObjectCache(layout.cacheDir, layout.tempDir),
    remotes: createRemoteConfig(layout),
    logger: options.logger,
  };
  const locked = <T>(work: () => Promise<T>) => withProjectLock(layout.lockDir, work, { waitMs: options.lockWaitMs });

  /** Fetches objects a checkout found missing or corrupt, when a default remote exists. */
  const repairFrom = (remote: string | undefined) => async (ids: string[]) => {
    let settings: Awaited<ReturnType<RepoContext['remotes']['get']>>;
    try {
      settings = await context.remotes.get(remote);
    } catch {
      return; // no remote to repair from: checkout reports the object
    }
    const store = await openRemoteStore(settings);
    try {
      for (const id of ids) await downloadVerified(context.cache, store, id);
    } finally {
      await store.close();
    }
  };

  const checkout = (targets: string[] | undefined, checkoutOptions: CheckoutOptions) =>
    withState(context, (state) => checkoutOuts(context, state, targets, checkoutOptions));

  return {
    root: layout.root,
    cacheDir: layout.cacheDir,
    layout,
    add: (paths, addOptions = {}) => locked(() => withState(context, (state) => addPaths(context, state, paths, addOptions.onProgress))),
    status: (targets) => withState(context, (state) => computeStatus(context, state, targets)),
    checkout: (targets, checkoutOptions = {}) => locked(() => checkout(targets, { ...checkoutOptions, repair: repairFrom(undefined) })),
    push: (transferOptions = {}) => withState(context, (state) => pushObjects(context, state, transferOptions)),
    fetch: (transferOptions = {}) => locked(() => fetchObjects(context, transferOptions)),
    pull: (pullOptions = {}) =>
      locked(async () => {
        const fetched = await fetchObjects(context, pullOptions, { reportUnusable: false });
        const checkoutReport = await checkout(pullOptions.targets, {
          ...(pullOptions.force === undefined ? {} : { force: pullOptions.force }),
          ...(pullOptions.link === undefined ? {} : { link: pullOptions.link }),
          ...(pullOptions.onProgress ? { onProgress: pullOptions.onProgress } : {}),
          repair: repairFrom(pullOptions.remote),
        });
        return { ...fetched, checkout: checkoutReport };
      }),
    gc: (gcOptions) => locked(() => collectGarbage(context, gcOptions)),
    remotes: {
      add: (name, url, addOptions) => context.remotes.add(name, url, addOptions),
      list: async () =>
        (await context.remotes.list()).map(({ name, url, default: isDefault, endpoint, region }) => ({
          name,
          url,
          default: isDefault,
          ...(endpoint ? { endpoint } : {}),
          ...(region ? { region } : {}),
        })),
      setDefault: (name) => context.remotes.setDefault(name),
    },
    cachePath: (md5) => context.cache.path(md5),
  };
}
