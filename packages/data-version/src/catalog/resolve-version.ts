import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, STATE_DIR_NAME, writeFileAtomic } from '@mlp/core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { createPathGuard } from '../dvc/path-guard.js';
import type { CatalogDataRepo } from './catalog-data-repo.js';
import type { DatasetVersion } from './catalog-model.js';

/** A version and where its bytes are on this machine. */
export interface ResolvedVersion {
  version: DatasetVersion;
  /** Absolute path of the file or folder holding exactly this version. */
  path: string;
  /**
   * `workspace`: the tracked path in the project holds it; `snapshot`: an older version (or a modified
   * working copy) was materialised under `.mlp/datasets/<name>/<version>/`.
   */
  location: 'workspace' | 'snapshot';
  /** Whether objects were pulled from a remote to get here. */
  pulled: boolean;
}

export interface ResolveOptions {
  /** Remote to pull from when the cache lacks the version; the repository's default remote when absent. */
  remote?: string;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** The md5 recorded by the `.dvc` file of `absolute`, if there is one with a single out. */
async function recordedHash(absolute: string): Promise<string | undefined> {
  try {
    const parsed = parseYaml(await readFile(`${absolute}.dvc`, 'utf8')) as { outs?: { md5?: string }[] } | null;
    return parsed?.outs?.length === 1 ? parsed.outs[0]?.md5 : undefined;
  } catch {
    return undefined; // no .dvc file, or one the repository itself will report on
  }
}

function transferFailed(target: string, reasons: string[]): MlpError {
  return new MlpError('UNAVAILABLE', `Could not materialise ${target}: ${reasons.map((reason) => reason.replace(/\.$/, '')).join('; ')}.`, {
    details: { path: target },
  });
}

/**
 * Puts the version's bytes at `target` (tracked by `<target>.dvc`): nothing to do when they are there,
 * checkout from the cache when the cache has them, else pull from the remote. A modified copy is left
 * alone (not ready) unless `overwrite` says it is ours to replace (a snapshot).
 */
async function materialise(
  repo: CatalogDataRepo,
  target: string,
  options: ResolveOptions & { overwrite?: boolean },
): Promise<{ ready: boolean; pulled: boolean }> {
  const relative = path.relative(repo.root, target).split(path.sep).join('/');
  const entry = (await repo.status([relative])).entries.find((candidate) => candidate.path === relative);
  const status: readonly string[] = entry?.status ?? [];
  if (status.includes('legacy') || (status.includes('modified') && !options.overwrite)) return { ready: false, pulled: false };
  if (status.length === 0 || (status.length === 1 && status[0] === 'not-in-cache' && (await exists(target)))) {
    return { ready: true, pulled: false };
  }
  const force = options.overwrite ? { force: true } : {};
  if (status.includes('not-in-cache')) {
    const report = await repo.pull({ targets: [relative], ...force, ...(options.remote ? { remote: options.remote } : {}) });
    const problems = [
      ...report.failed.map((failure) => `${failure.object}: ${failure.reason}`),
      ...report.missing.map((id) => `${id} is not on remote ${report.remote}`),
      ...report.checkout.failed.map((failure) => failure.reason),
    ];
    if (problems.length > 0) throw transferFailed(target, problems);
    return { ready: true, pulled: true };
  }
  const report = await repo.checkout([relative], force);
  if (report.failed.length > 0)
    throw transferFailed(
      target,
      report.failed.map((failure) => failure.reason),
    );
  return { ready: true, pulled: false };
}

/**
 * Where the version lives locally. The tracked path is used when its `.dvc` file records this version
 * and the working copy is unmodified (a deleted copy is restored); otherwise the version is
 * materialised as a snapshot under `.mlp/datasets/`, so resolving never overwrites a user's edits.
 */
export async function resolveVersion(
  repo: CatalogDataRepo,
  version: DatasetVersion,
  options: ResolveOptions = {},
): Promise<ResolvedVersion> {
  const working = path.resolve(repo.root, version.path);
  if ((await recordedHash(working)) === version.rootHash) {
    const { ready, pulled } = await materialise(repo, working, options);
    if (ready) return { version, path: working, location: 'workspace', pulled };
  }

  const folder = path.join(repo.root, STATE_DIR_NAME, 'datasets', version.dataset, String(version.version));
  const snapshot = path.join(folder, path.posix.basename(version.path));
  // Its .dvc file is written before checkout's own check: a linked folder on the way must not lead out.
  createPathGuard(repo.root).assertInside(snapshot, `The snapshot of ${version.ref}`);
  await mkdir(folder, { recursive: true });
  const out: Record<string, unknown> = { md5: version.rootHash, size: version.size };
  if (version.rootHash.endsWith('.dir')) out.nfiles = version.nfiles;
  out.hash = 'md5';
  out.path = path.posix.basename(version.path);
  await writeFileAtomic(`${snapshot}.dvc`, stringifyYaml({ outs: [out] }));
  // The snapshot folder is mlp's own: a copy changed there (or left half-written by a kill) is replaced.
  const { ready, pulled } = await materialise(repo, snapshot, { ...options, overwrite: true });
  if (!ready) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The snapshot of ${version.ref} at ${snapshot} could not be restored. Delete ${folder} and resolve again.`,
      { details: { ref: version.ref, path: snapshot } },
    );
  }
  return { version, path: snapshot, location: 'snapshot', pulled };
}
