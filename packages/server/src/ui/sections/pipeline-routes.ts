import { int64, message, string } from '@mlp/core/http';
import { listPipelines, listRuns, loadRunSummary, type PipelineRecord, type RunSummary, readRunLogs } from '@mlp/orchestrate';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';

function runJson(run: RunSummary, redact: (text: string) => string) {
  return {
    run_id: run.runId,
    pipeline: run.pipeline,
    status: run.status,
    trigger: run.trigger.kind,
    created_at: run.createdAt,
    started_at: run.startedAt ?? null,
    ended_at: run.endedAt ?? null,
    error: run.error === undefined ? null : redact(run.error),
    params: run.params,
    tasks: run.tasks.map((task) => ({
      task_id: task.taskId,
      name: task.name,
      map_index: task.mapIndex ?? null,
      status: task.status,
      attempts: task.attempts,
      cached: task.cached,
      started_at: task.startedAt ?? null,
      ended_at: task.endedAt ?? null,
      error: task.error ? redact(task.error.message) : null,
    })),
  };
}

const stepsJson = (pipeline: PipelineRecord | undefined) =>
  pipeline ? pipeline.steps.map((step) => ({ name: step.name, kind: step.kind, needs: step.needs })) : [];

/** Pipelines, their runs, a run's task graph with live states, and task logs (the UI polls while a run is live). */
export function pipelineRoutes(redact: (text: string) => string): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/pipelines', 'read', message({}), async (_input, { workspace }) => {
      const [pipelines, runs] = await Promise.all([listPipelines(workspace), listRuns(workspace, { limit: 100 })]);
      return {
        pipelines: pipelines.map((pipeline) => ({
          name: pipeline.name,
          steps: stepsJson(pipeline),
          updated_at: pipeline.updatedAt,
          last_run: pipeline.lastRun
            ? { run_id: pipeline.lastRun.runId, status: pipeline.lastRun.status, created_at: pipeline.lastRun.createdAt }
            : null,
        })),
        runs: runs.map((run) => runJson(run, redact)),
      };
    }),
    jsonRoute('GET', 'ui/pipeline-runs/{run_id}', 'read', message({ run_id: string.required() }), async (input, { workspace }) => {
      const run = await loadRunSummary(workspace, input.run_id);
      const pipeline = (await listPipelines(workspace)).find((candidate) => candidate.name === run.pipeline);
      return { run: runJson(run, redact), steps: stepsJson(pipeline) };
    }),
    jsonRoute(
      'GET',
      'ui/pipeline-runs/{run_id}/logs',
      'read',
      message({ run_id: string.required(), task: string.optional(), after_id: int64.optional() }),
      async (input, { workspace }) => {
        await loadRunSummary(workspace, input.run_id); // NOT_FOUND for an unknown run, not an empty log
        const lines = await readRunLogs(workspace, input.run_id, {
          ...(input.task ? { task: input.task } : {}),
          ...(input.after_id !== undefined ? { afterId: input.after_id } : {}),
          limit: 2000,
        });
        return {
          lines: lines.map((line) => ({
            id: line.id,
            task_id: line.taskId,
            step: line.step,
            map_index: line.mapIndex ?? null,
            attempt: line.attempt,
            time: line.time,
            level: line.level,
            message: redact(line.message),
          })),
        };
      },
    ),
  ];
}
