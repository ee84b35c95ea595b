import { stat } from 'node:fs/promises';
import { buildOut } from './build-out.js';
import { presentInCache } from './cache-presence.js';
import { type DirManifestEntry, isDirHash, parseManifest } from './dir-manifest.js';
import { createDvcIgnore } from './dvc-ignore.js';
import { osPath } from './os-path.js';
import type { RepoContext } from './repo-context.js';
import type { StateCache } from './state-cache.js';
import { loadTrackedOuts, toProjectPath } from './tracked-outs.js';

/**
 * What differs for one tracked path. `modified`: the workspace differs from the .dvc file;
 * `deleted`: the data is gone; `not-in-cache`: some objects of the recorded version are missing
 * from the cache; `new`: the .dvc file records no hash yet; `legacy`: a DVC 2 entry (md5 after
 * dos2unix), reported rather than re-hashed.
 */
export type StatusKind = 'modified' | 'deleted' | 'not-in-cache' | 'new' | 'legacy';

const statusOrder: readonly StatusKind[] = ['new', 'legacy', 'deleted', 'modified', 'not-in-cache'];

export interface StatusEntry {
  /** The data's path relative to the project root. */
  path: string;
  /** Its .dvc file, relative to the project root. */
  dvcFile: string;
  /** Empty when the path is unchanged and fully cached. */
  status: StatusKind[];
  /** The recorded md5 (or `.dir` id). */
  md5: string | undefined;
  /** For a modified folder whose recorded manifest is cached: which files differ. */
  changes?: { added: string[]; modified: string[]; deleted: string[] };
}

export interface StatusReport {
  entries: StatusEntry[];
  /** True when no entry has a status. */
  clean: boolean;
}

export async function computeStatus(context: RepoContext, state: StateCache, targets?: readonly string[]): Promise<StatusReport> {
  const { root } = context.layout;
  const ignore = createDvcIgnore(root);
  const tracked = await loadTrackedOuts(root, targets);
  const manifests = new Map<string, DirManifestEntry[] | undefined>();
  const entries: StatusEntry[] = [];
  const needed: string[] = [];

  for (const item of tracked) {
    const entry: StatusEntry = {
      path: item.relativePath,
      dvcFile: toProjectPath(root, item.dvcFile.file),
      status: [],
      md5: item.out.md5,
    };
    entries.push(entry);
    if (item.out.hash === 'md5-dos2unix') {
      entry.status.push('legacy');
      continue;
    }
    const recorded = item.out.md5;
    if (recorded === undefined) {
      entry.status.push('new');
      continue;
    }
    let manifest: DirManifestEntry[] | undefined;
    if (isDirHash(recorded)) {
      manifest = (await context.cache.has(recorded))
        ? parseManifest(await context.cache.readBytes(recorded), context.cache.path(recorded))
        : undefined;
      manifests.set(recorded, manifest);
      needed.push(recorded, ...(manifest ?? []).map((file) => file.md5));
      if (!manifest) entry.status.push('not-in-cache');
    } else needed.push(recorded);

    const exists = await stat(osPath(item.out.absolutePath)).then(
      () => true,
      () => false,
    );
    if (!exists) {
      entry.status.push('deleted');
      continue;
    }
    const built = await buildOut(item.out.absolutePath, { state, ignore });
    if (built.md5 !== recorded) {
      entry.status.push('modified');
      if (manifest && built.entries) entry.changes = diffManifests(manifest, built.entries);
    }
  }

  const present = await presentInCache(context.cache, [...new Set(needed)]);
  tracked.forEach((item, index) => {
    const entry = entries[index] as StatusEntry;
    const recorded = item.out.md5;
    if (recorded === undefined || entry.status.includes('legacy') || entry.status.includes('not-in-cache')) return;
    const ids = isDirHash(recorded) ? [recorded, ...(manifests.get(recorded) ?? []).map((file) => file.md5)] : [recorded];
    if (ids.some((id) => !present.has(id))) entry.status.push('not-in-cache');
  });
  for (const entry of entries) entry.status.sort((a, b) => statusOrder.indexOf(a) - statusOrder.indexOf(b));
  return { entries, clean: entries.every((entry) => entry.status.length === 0) };
}

export function diffManifests(recorded: readonly DirManifestEntry[], current: readonly DirManifestEntry[]) {
  const before = new Map(recorded.map((file) => [file.relpath, file.md5]));
  const now = new Map(current.map((file) => [file.relpath, file.md5]));
  return {
    added: [...now.keys()].filter((relpath) => !before.has(relpath)),
    modified: [...now].filter(([relpath, md5]) => before.has(relpath) && before.get(relpath) !== md5).map(([relpath]) => relpath),
    deleted: [...before.keys()].filter((relpath) => !now.has(relpath)),
  };
}
