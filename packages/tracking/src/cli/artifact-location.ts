import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { Run } from '../model.js';

const scheme = 'mlflow-artifacts:';

/**
 * The blob key prefix (ending in `/`) under which a run's artifacts are stored:
 * `mlflow-artifacts:/1/abc/artifacts` → `mlflow-artifacts/1/abc/artifacts/`. MLflow's
 * `mlflow-artifacts://host:port/...` form names a proxy; only the path after it matters.
 */
export function artifactRootPrefix(run: Pick<Run, 'runId' | 'artifactUri'>): string {
  if (!run.artifactUri.startsWith(scheme)) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Run ${run.runId} keeps its artifacts at ${run.artifactUri}, outside the workspace blob store, so mlp cannot read them; ` +
        'use the tool that wrote them there.',
      { details: { runId: run.runId, artifactUri: run.artifactUri } },
    );
  }
  let rest = run.artifactUri.slice(scheme.length);
  if (rest.startsWith('//')) {
    const pathStart = rest.indexOf('/', 2);
    rest = pathStart === -1 ? '' : rest.slice(pathStart);
  }
  const trimmed = rest.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? 'mlflow-artifacts/' : `mlflow-artifacts/${trimmed}/`;
}

/**
 * An artifact path from the command line, normalised (`./plots/` → `plots`, `.` → `` for the root),
 * or INVALID_ARGUMENT when it could reach outside the run's artifacts: absolute, `..`, a backslash or NUL.
 */
export function normaliseArtifactPath(value: string): string {
  const fail = (why: string) =>
    new MlpError(
      'INVALID_ARGUMENT',
      `Invalid artifact path ${JSON.stringify(value)}: ${why}. Give a path relative to the run's artifact root, such as plots/loss.png.`,
      { details: { path: value } },
    );
  if (value.includes('\0')) throw fail('it contains a NUL character');
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) throw fail('it is absolute');
  if (value.includes('\\')) throw fail("it must use '/' as the separator");
  const segments = value.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw fail("it contains '..'");
  return segments.join('/');
}

/** `dir/name`, or `name` at the root. */
export function joinArtifactPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
