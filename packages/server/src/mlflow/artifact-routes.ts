import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, MlpError } from '@mlp/core';
import { invalidParameter, message, queryObject, sendJson, string } from '@mlp/core/http';
import { registryArtifactPath } from '@mlp/registry/server';
import { listFolder } from './artifact-listing.js';
import { artifactKey, artifactPathFromUrl, artifactRootKey, checkArtifactPath } from './artifact-paths.js';
import { runIdFields, runIdOf } from './run-fields.js';
import { jsonRoute, rawRoute, type TrackingRoute } from './tracking-route.js';

const contentTypes: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/plain',
  py: 'text/plain',
  yaml: 'text/plain',
  yml: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
};

/**
 * A safe type to serve an artifact as. HTML, SVG and scripts are served as bytes, never rendered:
 * an uploaded page would otherwise run in the server's origin.
 */
function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return contentTypes[extension] ?? 'application/octet-stream';
}

/**
 * Registered model versions live under `mlflow-artifacts:/mlp-registry/`: only the registry writes
 * there, so an upload can neither change a version's bytes nor add files to a version (present or
 * future). The path is checked after percent-decoding, so no spelling of it gets through.
 */
function assertWritable(path: string): void {
  if (path === registryArtifactPath || path.startsWith(`${registryArtifactPath}/`)) {
    throw new MlpError(
      'PERMISSION_DENIED',
      `Artifacts under mlflow-artifacts:/${registryArtifactPath}/ are registered model versions, which never change: register a new version (model-versions/create) instead of uploading there, and delete a version with model-versions/delete.`,
    );
  }
}

/** Streams the blob at `key` as a download named after `path`'s last segment; NOT_FOUND when there is none. */
export async function sendArtifact(res: ServerResponse, blobs: BlobStore, key: string, path: string): Promise<void> {
  const info = await blobs.head(key);
  if (!info) throw new MlpError('NOT_FOUND', `No artifact at ${path}.`);
  const body = await blobs.get(key);
  const name = path.slice(path.lastIndexOf('/') + 1);
  res.writeHead(200, {
    'content-type': contentTypeOf(path),
    'content-length': info.size,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    'x-content-type-options': 'nosniff',
  });
  await pipeline(body, res);
}

/** The proxy's path; `path` is the artifact path as sent, percent-decoded and checked by artifactPathFromUrl. */
const artifactsPath = 'mlflow-artifacts/artifacts/{path...}';

export const artifactRoutes: TrackingRoute[] = [
  // A run's artifacts, by the run's artifact root, with paths relative to it (MLflow's ListArtifacts).
  jsonRoute(
    'GET',
    'mlflow/artifacts/list',
    'read',
    message({ ...runIdFields, path: string.optional(), page_token: string.optional() }),
    async (input, { tracking, workspace }) => {
      const run = await tracking.getRun(runIdOf(input));
      const rootKey = artifactRootKey(run.artifactUri);
      if (rootKey === undefined) {
        throw invalidParameter(
          `Run ${run.runId} keeps its artifacts at ${run.artifactUri}, which this server does not serve; list them there.`,
        );
      }
      const path = checkArtifactPath(input.path ?? '', true);
      const files = await listFolder(workspace.blobs, path === '' ? rootKey : `${rootKey}/${path}`, path === '' ? '' : `${path}/`);
      return { root_uri: run.artifactUri, files };
    },
  ),
  // The artifact proxy MLflow clients use for `mlflow-artifacts:` roots: listing (no path in the URL) or download.
  rawRoute('GET', artifactsPath, 'read', async (_req, res, { workspace, params }, query) => {
    const rest = params.path ?? '';
    if (rest === '') {
      const raw = queryObject(query).path;
      if (Array.isArray(raw)) throw invalidParameter("Give the parameter 'path' once.");
      const path = checkArtifactPath(raw ?? '', true);
      // MLflow's proxy lists base names, unlike the run listing above.
      sendJson(res, 200, { files: await listFolder(workspace.blobs, artifactKey(path), '') });
      return;
    }
    const path = artifactPathFromUrl(rest);
    await sendArtifact(res, workspace.blobs, artifactKey(path), path);
  }),
  // Upload: the body streams into the blob store, never buffered whole (models can be gigabytes).
  rawRoute('PUT', artifactsPath, 'write', async (req, res, { workspace, params }) => {
    const rest = params.path ?? '';
    if (rest === '') throw invalidParameter('Name the artifact to upload in the URL: PUT /api/2.0/mlflow-artifacts/artifacts/<path>.');
    const path = artifactPathFromUrl(rest);
    assertWritable(path);
    const contentType = req.headers['content-type'];
    await workspace.blobs.put(artifactKey(path), req, contentType ? { contentType } : {});
    sendJson(res, 200, {});
  }),
  // MLflow's DeleteArtifact: the file or the whole folder at the path; a missing path is not an error.
  rawRoute('DELETE', artifactsPath, 'write', async (_req, res, { workspace, params }) => {
    const rest = params.path ?? '';
    if (rest === '') throw invalidParameter('Name the artifact to delete in the URL: DELETE /api/2.0/mlflow-artifacts/artifacts/<path>.');
    const path = artifactPathFromUrl(rest);
    assertWritable(path);
    const key = artifactKey(path);
    const keys: string[] = [];
    for await (const blob of workspace.blobs.list(`${key}/`)) keys.push(blob.key);
    for (const found of keys) await workspace.blobs.delete(found);
    await workspace.blobs.delete(key);
    sendJson(res, 200, {});
  }),
];
