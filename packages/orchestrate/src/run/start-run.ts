import { MlpError, type Workspace } from '@mlp/core';
import type { Pipeline } from '../pipeline/define-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import type { RunHandle, StartPipelineRunOptions } from './run-types.js';

/**
 * Starts a run of `pipeline` (a definition, or a ref to its module) and drives it in this process
 * until it ends: the handle has the run id at once and the summary when done. With `trigger.key`, a
 * run already started under the same key is returned instead (`created: false`), so two schedulers
 * firing the same tick make one run.
 */
export async function startRun(
  workspace: Workspace,
  pipeline: Pipeline | PipelineRef,
  options: StartPipelineRunOptions = {},
): Promise<RunHandle> {
  void workspace;
  void pipeline;
  void options;
  throw new MlpError('INTERNAL', 'not yet');
}
