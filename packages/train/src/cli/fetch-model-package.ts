import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import { createTracking, openSqlTrackingStore, type Tracking } from '@mlp/tracking';
import { artifactPaths } from '../log-training-result.js';
import { resolveRunId } from './resolve-run-id.js';

/** A model package on local disk, for `loadModel`; `cleanup` removes what was downloaded for it. */
export interface FetchedPackage {
  path: string;
  /** What it is, for messages: `run 3f2a… (model/)`, `models:/flights@champion (version 3)`. */
  label: string;
  cleanup(): Promise<void>;
}

export const modelReferenceHelp =
  'a package folder or .mlpkg.tgz, runs:/<run id or unique prefix>[/<artifact folder>] (the run’s model/ by default), or models:/<name>@<alias> or models:/<name>/<version>';

/**
 * Finds the model package a command names: a local path, a run's logged package (`runs:/<id>`, or a
 * bare run id or prefix when no such path exists), or a registered version (`models:/…`, through the
 * registry's CLI service). Downloads go to a temporary folder.
 */
export async function fetchModelPackage(reference: string, context: CliContext): Promise<FetchedPackage> {
  if (reference.startsWith('models:/')) return fetchRegistered(reference, context);
  if (reference.startsWith('runs:/')) {
    const [runRef = '', ...rest] = reference.slice('runs:/'.length).split('/').filter(Boolean);
    return fetchRunPackage(runRef, rest.join('/') || artifactPaths.model, context);
  }
  const local = path.resolve(context.workspaceDir, reference);
  if (await exists(local)) return { path: local, label: local, cleanup: async () => {} };
  if (/^[0-9a-f]{4,32}$/i.test(reference)) return fetchRunPackage(reference, artifactPaths.model, context);
  throw new MlpError('NOT_FOUND', `No model package at ${local}. Name ${modelReferenceHelp}.`);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function temporaryFolder(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-predict-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function fetchRegistered(reference: string, context: CliContext): Promise<FetchedPackage> {
  const registry = await context.service('modelRegistry');
  if (!registry)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `${reference} names a registered model, but @mlp/registry is not installed: install it, or name the run (runs:/<run id>) or a package folder.`,
    );
  const temp = await temporaryFolder();
  try {
    const out = path.join(temp.dir, 'model');
    const { version } = await registry.download(reference, out);
    return { path: out, label: `${reference} (version ${version.version})`, cleanup: temp.cleanup };
  } catch (error) {
    await temp.cleanup();
    throw error;
  }
}

async function fetchRunPackage(runRef: string, artifactPath: string, context: CliContext): Promise<FetchedPackage> {
  const workspace = await context.openWorkspace({ applicationName: 'mlp predict' });
  const store = await openSqlTrackingStore(workspace);
  const tracking = createTracking(workspace, { env: context.env, store });
  const temp = await temporaryFolder();
  try {
    const runId = await resolveRunId(store, runRef);
    const out = path.join(temp.dir, 'model');
    const files = await downloadFolder(tracking, runId, artifactPath, out);
    if (files === 0)
      throw new MlpError(
        'NOT_FOUND',
        `Run ${runId} has no ${artifactPath}/ artifacts: it logged no model package (a failed or pruned trial, or a search's parent interrupted before its best trial). Pick a finished run.`,
      );
    return { path: out, label: `run ${runId} (${artifactPath}/)`, cleanup: temp.cleanup };
  } catch (error) {
    await temp.cleanup();
    throw error;
  } finally {
    await tracking.close();
    await store.close?.();
  }
}

/** Downloads a run's artifact folder, file by file; returns how many files it held. */
async function downloadFolder(tracking: Tracking, runId: string, folder: string, out: string): Promise<number> {
  let files = 0;
  for (const entry of await tracking.listArtifacts(runId, folder)) {
    const relative = path.posix.relative(folder, entry.path);
    const target = path.join(out, ...relative.split('/'));
    if (entry.isDir) {
      files += await downloadFolder(tracking, runId, entry.path, target);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await pipeline(await tracking.downloadArtifact(runId, entry.path), createWriteStream(target));
    files++;
  }
  return files;
}
