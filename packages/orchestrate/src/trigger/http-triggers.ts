import { MlpError, toMlpError, type Workspace } from '@mlp/core';
import type { TaskExecutor } from '../executor/executor.js';
import { stableJson } from '../run/cache-key.js';
import type { RunSummary } from '../run/run-types.js';
import { resolvePipeline, startRun } from '../run/start-run.js';
import { findRecordedPipeline } from '../schedule/scheduled-pipelines.js';
import { loadRunSummary } from '../store/run-summary.js';

export interface HttpTriggersOptions {
  /** Where the tasks of the runs started over HTTP run (the local executor when omitted). */
  executor?: TaskExecutor;
}

export interface HttpTriggers {
  /**
   * Starts a run of the recorded pipeline `name`, which must declare `{ on: 'http' }`: params are
   * parsed with its schema first (INVALID_ARGUMENT naming the param). With `key`, a retried call
   * finds the run the first one started (`created: false`); the same key with other params is a CONFLICT.
   */
  start(name: string, params: unknown, key?: string): Promise<{ created: boolean; run: RunSummary }>;
  /** A run of pipeline `name`: NOT_FOUND when there is none by that id, or it belongs to another pipeline. */
  status(name: string, runId: string): Promise<RunSummary>;
  /** Waits for the runs started here to end. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The idempotency key of an HTTP call's run: its own namespace, apart from schedules' and events' keys. */
export const httpTriggerKey = (key: string) => `http:${key}`;

/**
 * Pipelines started by authenticated HTTP calls (what `mlp server` serves at
 * `/api/2.0/mlp/pipelines/{name}/runs`): the runs are driven by this process, like a scheduler's.
 */
export function openHttpTriggers(workspace: Workspace, options: HttpTriggersOptions = {}): HttpTriggers {
  const running = new Set<Promise<unknown>>();

  const start: HttpTriggers['start'] = async (name, params, key) => {
    const { ref } = await findRecordedPipeline(workspace, name);
    const { pipeline } = await resolvePipeline(workspace, ref);
    if (!pipeline.triggers?.some((trigger) => trigger.on === 'http'))
      throw new MlpError(
        'FAILED_PRECONDITION',
        `pipeline '${name}' does not accept HTTP triggers: add { on: 'http' } to its triggers and run it once to record the change.`,
      );
    const handle = await startRun(workspace, ref, {
      params,
      trigger: { kind: 'http', ...(key !== undefined && { key: httpTriggerKey(key) }) },
      ...(options.executor && { executor: options.executor }),
    });
    if (handle.created) {
      const settled = handle.done.then(
        () => undefined,
        (error: unknown) => workspace.logger.error(`a run started over HTTP failed to complete: ${toMlpError(error).message}`),
      );
      running.add(settled);
      void settled.finally(() => running.delete(settled));
    }
    const run = await loadRunSummary(workspace, handle.runId);
    if (!handle.created && stableJson(run.params) !== stableJson(pipeline.parseParams(params)))
      throw new MlpError(
        'CONFLICT',
        `trigger_key '${key}' already started run ${run.runId} of '${name}' with other params: send a new key for a new run.`,
      );
    return { created: handle.created, run };
  };

  const status: HttpTriggers['status'] = async (name, runId) => {
    const run = await loadRunSummary(workspace, runId).catch((error: unknown) => {
      throw toMlpError(error).code === 'NOT_FOUND' ? notFound(name, runId) : error;
    });
    if (run.pipeline !== name) throw notFound(name, runId);
    return run;
  };

  const close = async () => {
    await Promise.all(running);
  };
  return { start, status, close, [Symbol.asyncDispose]: close };
}

const notFound = (name: string, runId: string) =>
  new MlpError('NOT_FOUND', `pipeline '${name}' has no run '${runId}'; start one with POST /api/2.0/mlp/pipelines/${name}/runs.`);
