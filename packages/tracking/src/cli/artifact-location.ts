import type { Run } from '../model.js';
import { artifactKeyPrefix, normaliseArtifactPath } from '../sdk/artifacts.js';

export { normaliseArtifactPath };

/** The blob key prefix (ending in `/`) under which a run's artifacts are stored. */
export function artifactRootPrefix(run: Pick<Run, 'runId' | 'artifactUri'>): string {
  return artifactKeyPrefix(run.runId, run.artifactUri);
}

/** `dir/name`, or `name` at the root. */
export function joinArtifactPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
