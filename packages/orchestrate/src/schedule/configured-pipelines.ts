import { MlpError, toMlpError, type Workspace } from '@mlp/core';
import { loadPipeline } from '../load/load-pipeline.js';
import { ensureOrchestrateTables } from '../run/start-run.js';
import { recordPipeline } from '../store/run-store.js';

/**
 * Records the pipeline modules of `mlp.config.json`'s `pipelines` (paths relative to the workspace
 * folder), as a first run would: their schedules fire, their triggers listen and their HTTP route
 * answers before anyone ran them. A module that is missing or does not load is an error naming the key.
 * Returns the names recorded.
 */
export async function recordConfiguredPipelines(workspace: Workspace): Promise<string[]> {
  const files = workspace.config.pipelines ?? [];
  if (files.length === 0) return [];
  await ensureOrchestrateTables(workspace);
  const names: string[] = [];
  for (const file of files) {
    try {
      const { pipeline, ref } = await loadPipeline(file, workspace.config.dir);
      pipeline.validate();
      await recordPipeline(workspace, pipeline, ref);
      names.push(pipeline.name);
    } catch (error) {
      const failure = toMlpError(error);
      throw new MlpError(failure.code, `mlp.config.json "pipelines": '${file}': ${failure.message}`, { cause: error });
    }
  }
  return names;
}
