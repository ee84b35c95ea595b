import { readFileSync, statSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { MlpError, md5Hex, toMlpError } from '@mlp/core';
import pLimit from 'p-limit';
import { isDirHash, parseManifest } from './dir-manifest.js';
import type { ObjectCache } from './object-cache.js';
import { createProgressCounter, type ProgressListener } from './progress.js';
import { openRemoteStore, type RemoteStore } from './remote-store.js';
import type { RepoContext } from './repo-context.js';
import type { StateCache } from './state-cache.js';
import { readTrackedOuts } from './tracked-outs.js';

export interface TransferOptions {
  /** A configured remote's name; the default remote when absent. */
  remote?: string;
  /** Data paths or .dvc files; the whole project when absent. */
  targets?: string[];
  /** Objects moved at once (default 16). */
  jobs?: number;
  onProgress?: ProgressListener;
}

export interface TransferFailure {
  /** An object id, or the path of a `.dvc` file that could not be used (broken, or naming a path outside the project). */
  object: string;
  reason: string;
}

export interface TransferReport {
  remote: string;
  /** Objects copied. */
  transferred: number;
  /** Objects the other side already had. */
  skipped: number;
  bytes: number;
  failed: TransferFailure[];
  /** Objects the source side lacks (push: not in the local cache). */
  missing: string[];
}

const DEFAULT_JOBS = 16;
/** Cache objects up to this size are read once, verified and uploaded from memory. */
const SMALL_OBJECT = 1024 * 1024;

/** The object ids the recorded versions of `targets` consist of, manifests last (as DVC pushes them), and the bad `.dvc` files. */
async function usedObjects(context: RepoContext, targets: readonly string[] | undefined) {
  const { tracked, invalid } = await readTrackedOuts(context.layout.root, targets);
  const unusable: TransferFailure[] = invalid.map((file) => ({ object: file.path, reason: file.error.message }));
  const files = new Set<string>();
  const manifests = new Set<string>();
  for (const { out, relativePath } of tracked) {
    if (out.hash === 'md5-dos2unix') {
      context.logger?.warn({ path: relativePath }, 'skipping a DVC 2 entry; transfer it with DVC');
      continue;
    }
    if (out.md5 === undefined) continue;
    if (isDirHash(out.md5)) manifests.add(out.md5);
    else files.add(out.md5);
  }
  return { files, manifests, unusable };
}

async function readManifestIds(cache: ObjectCache, id: string): Promise<string[]> {
  return parseManifest(await cache.readBytes(id), cache.path(id)).map((entry) => entry.md5);
}

async function withRemote<T>(
  context: RepoContext,
  name: string | undefined,
  forWrite: boolean,
  work: (store: RemoteStore, remoteName: string) => Promise<T>,
) {
  const settings = await context.remotes.get(name);
  const store = await openRemoteStore(settings);
  try {
    await store.probe(forWrite);
    return await work(store, settings.name);
  } finally {
    await store.close();
  }
}

export async function pushObjects(context: RepoContext, state: StateCache, options: TransferOptions): Promise<TransferReport> {
  const { cache } = context;
  return withRemote(context, options.remote, true, async (store, remoteName) => {
    const swept = await store.removeStaleTemps();
    if (swept > 0) context.logger?.info({ remote: remoteName, files: swept }, 'removed temp files of killed uploads');
    const { files, manifests, unusable } = await usedObjects(context, options.targets);
    const report: TransferReport = { remote: remoteName, transferred: 0, skipped: 0, bytes: 0, failed: unusable, missing: [] };
    for (const id of manifests) {
      if (await cache.has(id)) for (const entry of await readManifestIds(cache, id)) files.add(entry);
      else report.missing.push(id);
    }
    // Files before manifests: a remote that has a manifest then has everything it lists.
    const ordered = [...files, ...[...manifests].filter((id) => !report.missing.includes(id))];
    const local = new Set<string>();
    await Promise.all(ordered.map(async (id) => void ((await cache.has(id)) ? local.add(id) : report.missing.push(id))));
    const candidates = ordered.filter((id) => local.has(id));
    const present = await store.present(candidates);
    const toSend = candidates.filter((id) => !present.has(id));
    report.skipped = candidates.length - toSend.length;
    const sizeOf = (id: string) => {
      try {
        return statSync(cache.path(id)).size;
      } catch {
        return 0; // reported as a failure when it is sent
      }
    };
    const totalBytes = toSend.reduce((sum, id) => sum + sizeOf(id), 0);
    const counter = createProgressCounter('upload', toSend.length, options.onProgress, { totalBytes });
    const limit = pLimit(options.jobs ?? DEFAULT_JOBS);
    const send = async (id: string) => {
      try {
        // A corrupt cache object must not spread to the remote. A small one is read once, checked and sent from memory.
        const file = cache.path(id);
        const size = statSync(file).size;
        const bytes = size <= SMALL_OBJECT ? readFileSync(file) : undefined;
        const intact = bytes ? md5Hex(bytes) === id.replace(/\.dir$/, '') : await cache.verify(id, state);
        if (!intact) throw new MlpError('FAILED_PRECONDITION', `Cache object ${id} is corrupt; not uploaded. Run \`mlp data status\`.`);
        await store.upload(file, id, bytes, (sent) => counter.addBytes(sent, id));
        report.bytes += size;
        report.transferred++;
      } catch (error) {
        report.failed.push({ object: id, reason: toMlpError(error).message });
      }
      counter.finishOne(id);
    };
    const fileIds = toSend.filter((id) => !isDirHash(id));
    await Promise.all(fileIds.map((id) => limit(() => send(id))));
    // A manifest goes up only when all its files made it.
    const notSent = new Set([...report.failed.map((failure) => failure.object), ...report.missing]);
    for (const id of toSend.filter(isDirHash)) {
      const entries = await readManifestIds(cache, id);
      if (entries.some((entry) => notSent.has(entry))) {
        report.failed.push({ object: id, reason: 'not uploaded: some of its files could not be uploaded' });
        continue;
      }
      await limit(() => send(id));
    }
    counter.end();
    return report;
  });
}

/** `reportUnusable: false` leaves bad `.dvc` files to the checkout that follows (pull reports them once). */
export async function fetchObjects(
  context: RepoContext,
  options: TransferOptions,
  { reportUnusable = true }: { reportUnusable?: boolean } = {},
): Promise<TransferReport> {
  const { cache } = context;
  cache.forgetFolders(); // someone may have removed cache folders since the last operation
  await cache.removeStaleTemps(); // downloads killed earlier
  return withRemote(context, options.remote, false, async (store, remoteName) => {
    const { files, manifests, unusable } = await usedObjects(context, options.targets);
    const failed = reportUnusable ? unusable : [];
    const report: TransferReport = { remote: remoteName, transferred: 0, skipped: 0, bytes: 0, failed, missing: [] };
    const limit = pLimit(options.jobs ?? DEFAULT_JOBS);
    const download = async (id: string, counter?: ReturnType<typeof createProgressCounter>) => {
      try {
        const bytes = await downloadVerified(cache, store, id, counter ? (received) => counter.addBytes(received, id) : undefined);
        report.bytes += bytes;
        report.transferred++;
      } catch (error) {
        const failure = toMlpError(error);
        if (failure.code === 'NOT_FOUND' && failure.details?.object === id) report.missing.push(id);
        else report.failed.push({ object: id, reason: failure.message });
      }
      counter?.finishOne(id);
    };

    // Manifests first: they say which files a folder needs.
    const missingManifests = [...manifests].filter((id) => !files.has(id));
    await Promise.all(missingManifests.map((id) => limit(async () => ((await cache.has(id)) ? report.skipped++ : download(id)))));
    for (const id of manifests) if (await cache.has(id)) for (const entry of await readManifestIds(cache, id)) files.add(entry);

    const wanted = [...files];
    const have = new Set<string>();
    await Promise.all(wanted.map(async (id) => void ((await cache.has(id)) && have.add(id))));
    const toGet = wanted.filter((id) => !have.has(id));
    report.skipped += have.size;
    const counter = createProgressCounter('download', toGet.length, options.onProgress);
    await Promise.all(toGet.map((id) => limit(() => download(id, counter))));
    counter.end();
    return report;
  });
}

/** Downloads to a temp file, checks the md5 and only then moves it into the cache. Returns its size. */
export async function downloadVerified(
  cache: ObjectCache,
  store: RemoteStore,
  id: string,
  onBytes?: (bytes: number) => void,
): Promise<number> {
  const temp = await cache.tempPath();
  try {
    const { md5: actual, size } = await store.download(id, temp, onBytes);
    if (actual !== id.replace(/\.dir$/, ''))
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Object ${id} in ${store.description} is corrupt (its bytes hash to ${actual}); it was not put in the cache. Push it again from a good copy.`,
        {
          details: { object: id, corrupt: true },
        },
      );
    await chmod(temp, 0o444); // read-only, like every cache object
    await cache.commitTemp(temp, id);
    return size;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
