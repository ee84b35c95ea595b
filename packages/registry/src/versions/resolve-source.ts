import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpError } from '@mlp/core';
import { artifactUriKey, blobSource } from '../content/blob-source.js';
import { versionPrefix } from '../content/version-blobs.js';
import { folderSource, isInside, type ResolvedSource, runSource } from '../content/version-source.js';
import { formatModelUri } from '../model-uri.js';
import { versionRow } from '../store/loaders.js';
import type { RegistryContext } from '../store/registry-context.js';
import { resolveVersion } from '../store/version-operations.js';

const runIdPattern = /^[0-9a-f]{32}$/;
/** A word that reads as a (mistyped or shortened) run id rather than a folder name. */
const shortHexPattern = /^[0-9a-f]{6,31}$/;

export interface SourceRequest {
  source: string;
  runId: string | undefined;
  /** Sent over the network: local folders only inside the configured `sourceFolders`. */
  remote: boolean;
}

/** What the server owns, so what a request over REST may name. */
const serverForms = "runs:/<run id>/<path>, a run's mlflow-artifacts: location, models:/<name>/<version>";
const allowedForms = `${serverForms}, or (from the SDK or CLI) a local folder`;

/** A registered version's files (`models:/name/3`, `models:/name@alias`), copied as they were registered. */
async function registeredSource(context: RegistryContext, uri: string): Promise<ResolvedSource> {
  const { db, blobs } = context.workspace;
  const resolved = await resolveVersion(context, uri);
  const row = await versionRow(db, resolved.name, resolved.version);
  if (row.status !== 'READY' || !row.manifest) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Version ${row.version} of '${row.name}' is ${row.status}: only READY versions can be copied.`,
    );
  }
  const prefix = versionPrefix(Number(row.model_id), row.version);
  return {
    source: formatModelUri({ name: row.name, version: row.version }),
    runId: row.run_id,
    files: row.manifest.map((entry) => ({ path: entry.path, open: () => blobs.get(`${prefix}${entry.path}`) })),
  };
}

/**
 * A local folder. From the caller's own process (SDK, CLI) any folder it can read; over the network
 * only one inside a folder the administrator allowed (`sourceFolders`), compared by real paths so
 * `..`, symlinked folders and symlinks inside cannot lead out. Errors never name server paths.
 */
async function localSource(context: RegistryContext, folder: string, remote: boolean): Promise<ResolvedSource> {
  if (!remote) return folderSource(folder);
  const refused = () =>
    new MlpError(
      'PERMISSION_DENIED',
      `Cannot register ${JSON.stringify(folder)}: over the REST API a source must be ${serverForms}, or a folder inside one the server's administrator allows (sourceFolders, MLP_REGISTRY_SOURCE_FOLDERS). Log the model as a run artifact and register runs:/<run id>/<path>.`,
    );
  if (context.sourceFolders.length === 0 || !path.isAbsolute(folder)) throw refused();
  const real = await realpath(folder).catch(() => undefined);
  if (!real) throw refused();
  for (const allowed of context.sourceFolders) {
    const root = await realpath(allowed).catch(() => undefined);
    if (root && isInside(root, real)) return folderSource(real, { label: JSON.stringify(folder), within: root });
  }
  throw refused();
}

/** What a version's bytes come from, by the form of `source`; see `allowedForms`. */
export async function resolveSource(context: RegistryContext, request: SourceRequest): Promise<ResolvedSource> {
  const { source, runId, remote } = request;
  if (source.startsWith('runs:/')) return runSource(context.tracking, source);
  if (source.startsWith('models:/')) return registeredSource(context, source);
  if (source.startsWith('mlflow-artifacts:')) {
    // MLflow's clients send the run's artifact location with the run id: `mlflow-artifacts:/1/<run id>/artifacts/model`.
    const marker = runId ? `/${runId}/artifacts/` : undefined;
    if (marker && source.includes(marker))
      return runSource(context.tracking, `runs:/${runId}/${source.slice(source.indexOf(marker) + marker.length)}`);
    return blobSource(context.workspace.blobs, artifactUriKey(source), source, null);
  }
  if (source.startsWith('file:')) {
    let folder: string;
    try {
      folder = fileURLToPath(source);
    } catch {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid source ${JSON.stringify(source)}: a file: URL must name a local folder (file:///path).`,
      );
    }
    return localSource(context, folder, remote);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source))
    throw new MlpError('INVALID_ARGUMENT', `Cannot register from ${source}: use ${allowedForms}.`);
  if (runIdPattern.test(source)) return runSource(context.tracking, `runs:/${source}/model`);
  // Only in the caller's own process: over REST the answer would say whether a folder exists on the server.
  if (!remote && shortHexPattern.test(source) && !existsSync(source))
    throw new MlpError(
      'NOT_FOUND',
      `No run has the id ${source}, and there is no folder ${JSON.stringify(source)}: a run id is 32 hex characters (mlp runs ls lists them); a model package folder must exist.`,
    );
  return localSource(context, source, remote);
}
