import type { Stats } from 'node:fs';
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { hashFile, MlpError, toMlpError } from '@mlp/core';
import pLimit from 'p-limit';
import { isExecutable } from './build-out.js';
import { type DirManifestEntry, isDirHash, parseManifest } from './dir-manifest.js';
import { createDvcIgnore } from './dvc-ignore.js';
import { CorruptObjectError, type LinkType, materialize, setExecutable } from './materialize.js';
import { osPath } from './os-path.js';
import { createPathGuard, type PathGuard } from './path-guard.js';
import { createProgressCounter, type ProgressListener } from './progress.js';
import type { RepoContext } from './repo-context.js';
import type { StateCache } from './state-cache.js';
import { isStaleTemp, isWorkspaceTemp } from './temp-files.js';
import { readTrackedOuts, type TrackedOut } from './tracked-outs.js';
import { walkFiles } from './walk-files.js';

export interface CheckoutOptions {
  /** Overwrite or delete workspace files whose content is not in the cache (it would be lost). */
  force?: boolean;
  link?: LinkType;
  onProgress?: ProgressListener;
  /** Called with objects that are missing or corrupt; may fetch them (then checkout retries once). */
  repair?: (ids: string[]) => Promise<void>;
}

export interface CheckoutFailure {
  path: string;
  reason: string;
}

export interface CheckoutReport {
  /** Paths whose files were written or removed. */
  changed: string[];
  /** Paths already matching their .dvc file. */
  unchanged: string[];
  failed: CheckoutFailure[];
  /** Files written. */
  files: number;
}

const CONCURRENCY = 8;

export async function checkoutOuts(
  context: RepoContext,
  state: StateCache,
  targets: readonly string[] | undefined,
  options: CheckoutOptions,
): Promise<CheckoutReport> {
  const { tracked, invalid } = await readTrackedOuts(context.layout.root, targets);
  // A bad .dvc file is reported, by its own path, and the others are still checked out.
  const report: CheckoutReport = {
    changed: [],
    unchanged: [],
    failed: invalid.map((file) => ({ path: file.path, reason: file.error.message })),
    files: 0,
  };
  const guard = createPathGuard(context.layout.root);
  for (const item of tracked) {
    try {
      const changed = await checkoutOne(context, state, guard, item, options, report);
      (changed ? report.changed : report.unchanged).push(item.relativePath);
    } catch (error) {
      report.failed.push({ path: item.relativePath, reason: toMlpError(error).message });
    }
  }
  return report;
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(osPath(file));
  } catch {
    return undefined;
  }
}

async function currentMd5(state: StateCache, file: string, stats: Stats): Promise<string> {
  const known = state.get(file, stats);
  if (known) return known;
  const md5 = await hashFile('md5', osPath(file), { size: Number(stats.size) });
  state.set(file, stats, md5);
  return md5;
}

async function checkoutOne(
  context: RepoContext,
  state: StateCache,
  guard: PathGuard,
  item: TrackedOut,
  options: CheckoutOptions,
  report: CheckoutReport,
): Promise<boolean> {
  const { cache } = context;
  const { out } = item;
  if (out.hash === 'md5-dos2unix')
    throw new MlpError(
      'FAILED_PRECONDITION',
      `${item.relativePath} is a DVC 2 entry (md5 after dos2unix); check it out with DVC, or run \`dvc cache migrate --dvc-files\`.`,
    );
  if (out.md5 === undefined) throw new MlpError('FAILED_PRECONDITION', `${item.relativePath}.dvc records no hash; add the data first.`);
  const recorded = out.md5;
  const target = out.absolutePath;
  const link = options.link ?? 'copy';

  // Objects that turn out missing or corrupt get one repair attempt (a fetch), then the retry reports them.
  const withRepair = async <T>(ids: string[], work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const corrupt = error instanceof CorruptObjectError;
      const broken = corrupt ? [error.objectId] : MlpError.isInstance(error) && error.code === 'NOT_FOUND' ? ids : [];
      if (broken.length === 0) throw error;
      // A corrupt object leaves the cache either way, so nothing ever checks it out.
      if (corrupt) await cache.remove(error.objectId);
      if (options.repair) await options.repair(broken).catch(() => {});
      for (const id of broken) if (!(await cache.has(id))) throw error;
      return work();
    }
  };

  if (!isDirHash(recorded)) {
    const prefix = `.${path.basename(target)}.`;
    const siblings = await readdir(osPath(path.dirname(target))).catch(() => [] as string[]);
    const temps = siblings.filter((name) => name.startsWith(prefix) && isWorkspaceTemp(name));
    await removeStaleWorkspaceTemps(
      guard,
      temps.map((name) => path.join(path.dirname(target), name)),
    );
    const stats = await statOrUndefined(target);
    if (stats?.isFile() && (await currentMd5(state, target, stats)) === recorded) {
      if (out.isexec && !isExecutable(stats)) await setExecutable(target);
      return false;
    }
    if (stats) await assertDisposable(context, state, target, stats, options, item.relativePath);
    if (stats?.isDirectory()) await rm(osPath(target), { recursive: true });
    // A large single file reports its bytes while it is copied out of the cache.
    const counter = createProgressCounter('checkout', 1, options.onProgress, out.size === undefined ? {} : { totalBytes: out.size });
    await withRepair([recorded], async () => {
      if (!(await cache.has(recorded))) throw notInCache(item.relativePath, recorded);
      await materialize(cache, state, recorded, target, link, (bytes) => counter.addBytes(bytes, item.relativePath));
    });
    // `isexec: true` gives the file its execute bit back, as DVC's checkout does.
    if (out.isexec) await setExecutable(target);
    counter.finishOne(item.relativePath);
    report.files++;
    return true;
  }

  const manifest = await withRepair([recorded], async () => {
    if (!(await cache.has(recorded))) throw notInCache(item.relativePath, recorded);
    if (!(await cache.verify(recorded, state))) throw new CorruptObjectError(recorded, cache.path(recorded), 'another md5');
    return parseManifest(await cache.readBytes(recorded), cache.path(recorded));
  });
  // A name that is not UTF-8 is recorded by DVC in surrogateescape text (`caf\udce9.csv`); every file
  // system call below takes paths through osPath, which writes its bytes back.
  const wanted = new Map<string, DirManifestEntry>(manifest.map((entry) => [entry.relpath, entry]));
  const existing = await statOrUndefined(target);
  if (existing && !existing.isDirectory()) {
    await assertDisposable(context, state, target, existing, options, item.relativePath);
    await rm(osPath(target), { force: true });
  }
  const temps: string[] = [];
  const present = existing?.isDirectory() ? await walkFiles(target, { temps, ignore: createDvcIgnore(context.layout.root) }) : [];
  await removeStaleWorkspaceTemps(guard, temps);
  const currentByPath = new Map(present.map((file) => [file.relpath, file]));
  const limit = pLimit(CONCURRENCY);
  let changed = false;

  // Files the version does not have: removed when their content is safe in the cache (or forced).
  const extra = present.filter((file) => !wanted.has(file.relpath));
  for (const file of extra) {
    // A linked subfolder may lead out of the project: nothing is deleted or written through it.
    guard.assertInside(file.absolutePath, `${item.relativePath}/${file.relpath}`);
    await assertDisposable(context, state, file.absolutePath, file.stats, options, `${item.relativePath}/${file.relpath}`);
  }
  const fileOf = (entry: DirManifestEntry) => path.join(target, ...entry.relpath.split('/'));
  for (const entry of manifest)
    if (!currentByPath.has(entry.relpath)) guard.assertInside(fileOf(entry), `${item.relativePath}/${entry.relpath}`);
  for (const file of extra) {
    await rm(osPath(file.absolutePath), { force: true });
    state.delete(file.absolutePath);
    changed = true;
  }
  await removeEmptyFolders(
    target,
    extra.map((file) => path.dirname(file.absolutePath)),
  );

  const toWrite: DirManifestEntry[] = [];
  await Promise.all(
    manifest.map((entry) =>
      limit(async () => {
        const file = currentByPath.get(entry.relpath);
        if (file && (await currentMd5(state, file.absolutePath, file.stats)) === entry.md5) return;
        if (file) {
          guard.assertInside(file.absolutePath, `${item.relativePath}/${entry.relpath}`);
          await assertDisposable(context, state, file.absolutePath, file.stats, options, `${item.relativePath}/${entry.relpath}`);
        }
        toWrite.push(entry);
      }),
    ),
  );
  const counter = createProgressCounter('checkout', toWrite.length, options.onProgress);
  await Promise.all(
    toWrite.map((entry) =>
      limit(async () => {
        const file = fileOf(entry);
        await withRepair([entry.md5], async () => {
          if (!(await cache.has(entry.md5))) throw notInCache(`${item.relativePath}/${entry.relpath}`, entry.md5);
          await materialize(cache, state, entry.md5, file, link, (bytes) => counter.addBytes(bytes));
        });
        counter.finishOne(entry.relpath);
      }),
    ),
  );
  counter.end();
  report.files += toWrite.length;
  return changed || toWrite.length > 0;
}

function notInCache(where: string, md5: string): MlpError {
  return new MlpError('NOT_FOUND', `${where}: object ${md5} is not in the cache. Fetch it with \`mlp data pull\`.`, {
    details: { object: md5 },
  });
}

/** Refuses to overwrite or delete a workspace file whose content exists nowhere else, unless forced. */
async function assertDisposable(
  context: RepoContext,
  state: StateCache,
  file: string,
  stats: Stats,
  options: CheckoutOptions,
  shown: string,
): Promise<void> {
  if (options.force) return;
  if (stats.isDirectory())
    throw new MlpError('CONFLICT', `${shown} is a folder where a file belongs; pass --force to replace it.`, { details: { path: file } });
  const md5 = await currentMd5(state, file, stats);
  if (await context.cache.has(md5)) return;
  throw new MlpError('CONFLICT', `${shown} has changes that are not in the cache; add it first, or pass --force to discard them.`, {
    details: { path: file },
  });
}

async function removeEmptyFolders(root: string, folders: string[]): Promise<void> {
  const sorted = [...new Set(folders)].sort((a, b) => b.length - a.length);
  for (const start of sorted) {
    for (let folder = start; folder.length > root.length && folder.startsWith(root); folder = path.dirname(folder)) {
      if ((await readdir(osPath(folder)).catch(() => ['?'])).length > 0) break;
      await rmdir(osPath(folder)).catch(() => {});
    }
  }
}

/** Removes temp files a killed checkout left in the workspace (see temp-files.ts); a live writer's stay. */
async function removeStaleWorkspaceTemps(guard: PathGuard, temps: readonly string[]): Promise<void> {
  for (const file of temps) {
    const stats = await statOrUndefined(file);
    if (!stats?.isFile() || !isStaleTemp(path.basename(file), stats.mtimeMs)) continue;
    guard.assertInside(file, file);
    await rm(osPath(file), { force: true });
  }
}
