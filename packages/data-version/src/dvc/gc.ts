import { stat } from 'node:fs/promises';
import { MlpError } from '@mlp/core';
import { isDirHash, parseManifest } from './dir-manifest.js';
import { assertObjectId } from './object-cache.js';
import type { RepoContext } from './repo-context.js';
import { loadTrackedOuts } from './tracked-outs.js';

export interface GcOptions {
  /** Only report what would be removed. Default true: pass false to delete. */
  dryRun?: boolean;
  /**
   * More roots to keep besides the working tree's `.dvc` files: md5s or `.dir` ids (a folder keeps its
   * files too), such as the versions a dataset catalog still lists.
   */
  keep?: readonly string[];
}

export interface GcReport {
  dryRun: boolean;
  /** Object ids removed (or, in a dry run, that would be). */
  removed: string[];
  /** Bytes they take. */
  bytes: number;
  /** Objects kept because a .dvc file in the workspace uses them. */
  kept: number;
}

/**
 * Removes cache objects no `.dvc` file of the workspace refers to. Runs under the project lock, so
 * no add can be storing objects meanwhile. Refuses when a used folder's manifest is missing, since
 * then the files it lists are unknown and would be deleted.
 */
export async function collectGarbage(context: RepoContext, options: GcOptions = {}): Promise<GcReport> {
  const { cache } = context;
  const dryRun = options.dryRun ?? true;
  const used = new Set<string>();
  const roots: Array<{ md5: string; where: string }> = (options.keep ?? []).map((md5) => {
    assertObjectId(md5);
    return { md5, where: `kept object ${md5}` };
  });
  for (const { out, relativePath } of await loadTrackedOuts(context.layout.root)) {
    if (out.md5 !== undefined && out.hash !== 'md5-dos2unix') roots.push({ md5: out.md5, where: relativePath });
  }
  for (const { md5, where } of roots) {
    used.add(md5);
    if (!isDirHash(md5)) continue;
    if (!(await cache.has(md5)))
      throw new MlpError(
        'FAILED_PRECONDITION',
        `The manifest ${md5} of ${where} is not in the cache, so gc cannot tell which files it needs. Run \`mlp data fetch\` first.`,
      );
    for (const entry of parseManifest(await cache.readBytes(md5), cache.path(md5))) used.add(entry.md5);
  }
  const report: GcReport = { dryRun, removed: [], bytes: 0, kept: 0 };
  for await (const id of cache.list()) {
    if (used.has(id)) {
      report.kept++;
      continue;
    }
    report.removed.push(id);
    report.bytes += (await stat(cache.path(id)).catch(() => ({ size: 0 }))).size;
    if (!dryRun) await cache.remove(id);
  }
  // Temp files of killed adds and downloads (never a live writer's: see temp-files.ts).
  if (!dryRun) await cache.removeStaleTemps();
  return report;
}
