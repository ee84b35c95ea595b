import { validateBlobKey } from '@mlp/core';
import { invalidParameter } from '@mlp/core/http';

/** Where the server keeps what MLflow clients upload to `mlflow-artifacts:/<path>`. */
export const artifactKeyRoot = 'mlflow-artifacts';

/**
 * A relative artifact path checked so it cannot leave the artifact root: no `..` or `.` segments,
 * no leading `/`, drive letter, backslash or NUL (the blob key rules). '' is the root itself; one
 * trailing '/' is allowed, as clients write folders that way.
 */
export function checkArtifactPath(path: string, allowRoot: boolean): string {
  const trimmed = path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path;
  if (trimmed === '' && allowRoot) return '';
  const problem = validateBlobKey(trimmed);
  if (problem) {
    throw invalidParameter(
      `Invalid artifact path ${JSON.stringify(path)}: ${problem.replace(/^a key/, 'it')}. Use a relative path such as 'model/model.onnx'.`,
    );
  }
  return trimmed;
}

/**
 * The artifact path in a URL after `/mlflow-artifacts/artifacts/`, percent-decoded per segment. The
 * raw request path is used, never a normalised URL: normalising would quietly turn `a/../b` into `b`.
 */
export function artifactPathFromUrl(raw: string): string {
  let decoded: string;
  try {
    decoded = raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw invalidParameter(`Invalid artifact path ${JSON.stringify(raw)}: it is not valid percent-encoding.`);
  }
  return checkArtifactPath(decoded, false);
}

export function artifactKey(path: string): string {
  return path === '' ? artifactKeyRoot : `${artifactKeyRoot}/${path}`;
}

/**
 * The blob key of a run's artifact root, or undefined when the root is not served here. MLflow's
 * `mlflow-artifacts:/1/abc/artifacts` and `mlflow-artifacts://host:port/1/abc/artifacts` both map to
 * `mlflow-artifacts/1/abc/artifacts`.
 */
export function artifactRootKey(artifactUri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?(\/.*)?$/.exec(artifactUri);
  if (!match) return undefined;
  const path = (match[1] ?? '').replace(/^\/+|\/+$/g, '');
  return artifactKey(path === '' ? '' : checkArtifactPath(path, true));
}
