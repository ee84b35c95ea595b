import { MlpError, type StartedStepTracking, type Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { TaskAssignment, TaskOutcome } from '../executor/executor.js';
import { loadPipeline } from '../load/load-pipeline.js';
import type { PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { StepDefinition } from '../pipeline/pipeline-types.js';
import { encodeOutput, outputBlobKey, prepareOutput, readRunInputs } from '../store/output-store.js';
import { asyncCommit, eventInsert, eventPayload, notifyEvent, taskIdOf } from '../store/task-store.js';
import { endStepTracking, startStepTracking } from '../tracking/step-tracking-run.js';
import { createTaskLogger } from './task-logger.js';

export interface ExecuteTaskOptions {
  /** The pipeline already in memory (the in-process executor): skips loading its module. */
  pipeline?: PipelineDefinition;
  /**
   * Outputs this process wrote for the run, by task id, and its params: inputs found here are not read
   * back from the store (the in-process executor's round trip saved). Filled as attempts succeed.
   */
  memo?: RunMemo;
}

/** What an in-process executor remembers of a run (see ExecuteTaskOptions.memo). */
export interface RunMemo {
  params?: unknown;
  /** Output JSON text by task id (undefined: the step returned nothing). */
  outputs: Map<string, string | undefined>;
}

/**
 * Runs one attempt of one task, in whatever process calls it (in-process, a child process, a queue
 * worker, a Kubernetes Job): loads the pipeline module (checking its source hash), reads the step's
 * inputs and params from the store, runs the step, and writes its output, logs and the attempt's
 * result, fenced by the attempt number so a superseded attempt writes nothing. When `signal` aborts
 * the attempt is left for the engine to end (cancelled, or failed on a timeout) and `cancelled` is returned.
 */
export async function executeTaskAttempt(
  workspace: Workspace,
  assignment: TaskAssignment,
  signal: AbortSignal,
  options: ExecuteTaskOptions = {},
): Promise<TaskOutcome> {
  const log = createTaskLogger(
    workspace.db,
    { runId: assignment.runId, taskId: assignment.taskId, attempt: assignment.attempt },
    workspace.logger,
  );
  const mapIndex = assignment.mapIndex ?? -1;
  let step: StepDefinition | undefined;
  let tracked: StartedStepTracking | undefined;
  try {
    const pipeline =
      options.pipeline ??
      (await loadPipeline(assignment.pipeline.modulePath, workspace.config.dir, assignment.pipeline.sourceHash)).pipeline;
    step = pipeline.steps.find((candidate) => candidate.name === assignment.step);
    if (!step) throw new MlpError('NOT_FOUND', `pipeline '${pipeline.name}' has no step '${assignment.step}' (its module changed?).`);
    const { params, inputs, item } = await readTaskInputs(workspace, assignment, pipeline, step, mapIndex, options.memo);
    if (signal.aborted) return { status: 'cancelled' };
    if (step.tracking) {
      tracked = await startStepTracking(workspace, assignment, mapIndex);
      log.logger.info(`tracking run ${tracked.run.runId}`);
    }
    const context = {
      workspace,
      params,
      logger: log.logger,
      signal,
      attempt: assignment.attempt,
      runId: assignment.runId,
      step: step.name,
      mapIndex: mapIndex < 0 ? undefined : mapIndex,
      run: tracked?.run,
    };
    const value = await untilAborted(
      Promise.resolve().then(() => step!.run(context, inputs, item)),
      signal,
    );
    if (value === ABORTED) {
      await endStepTracking(workspace, tracked, 'KILLED');
      await log.flush().catch(() => undefined);
      return { status: 'cancelled' };
    }
    const where = mapIndex < 0 ? `step '${step.name}'` : `step '${step.name}' (item ${mapIndex})`;
    const encoded = encodeOutput(value, where);
    await endStepTracking(workspace, tracked, 'FINISHED');
    tracked = undefined;
    const prepared = await prepareOutput(workspace, encoded, outputBlobKey(assignment.runId, step.name, mapIndex, assignment.attempt));
    const now = Date.now();
    // The output, the attempt's and the task's success and its event, in one statement (atomic, one
    // round trip), fenced: a superseded attempt writes nothing.
    const ref = { runId: assignment.runId, taskId: assignment.taskId, step: step.name, mapIndex, pipeline: assignment.pipeline.name };
    const written = await workspace.db.drizzle.execute(sql`with ${asyncCommit}, attempt as (
        update orchestrate_attempts a set status = 'succeeded', ended_time = ${now}
        from orchestrate_tasks t
        where a.task_id = ${assignment.taskId} and a.attempt = ${assignment.attempt} and a.status = 'running'
          and t.task_id = a.task_id and t.fence = ${assignment.attempt}
        returning a.task_id),
      task as (
        update orchestrate_tasks set status = 'succeeded', ended_time = ${now}, error = null, not_before = null
        where task_id in (select task_id from attempt) returning task_id, cache_key),
      output as (
        insert into orchestrate_outputs (task_id, run_id, kind, value, blob_key, size, cache_key, created_time)
        select task.task_id, ${assignment.runId}, ${prepared.kind}, ${prepared.value}::jsonb, ${prepared.blobKey}, ${prepared.size},
          task.cache_key, ${now}
        from task
        on conflict (task_id) do update set kind = excluded.kind, value = excluded.value, blob_key = excluded.blob_key,
          size = excluded.size, cache_key = excluded.cache_key, created_time = excluded.created_time
        returning task_id),
      ${eventInsert('task.succeeded', eventPayload(ref, { attempt: assignment.attempt, cached: false }), 'output')}
      select ${notifyEvent} from event, async_commit`);
    if (written.rows.length === 0) throw superseded(assignment);
    // Kept as JSON text, so each reader gets its own copy, as from the store.
    if (options.memo && prepared.kind !== 'blob') options.memo.outputs.set(assignment.taskId, encoded.json);
    await log.flush();
    return { status: 'succeeded' };
  } catch (thrown) {
    await endStepTracking(workspace, tracked, signal.aborted ? 'KILLED' : 'FAILED');
    if (signal.aborted) {
      await log.flush().catch(() => undefined);
      return { status: 'cancelled' };
    }
    const error = describeError(thrown);
    log.logger.error(error.message);
    await recordFailure(workspace, assignment, error, log.flush).catch((recordError) =>
      workspace.logger.warn({ err: recordError, task: assignment.taskId }, 'could not record the failed attempt'),
    );
    return { status: 'failed', error };
  }
}

async function readTaskInputs(
  workspace: Workspace,
  assignment: TaskAssignment,
  pipeline: PipelineDefinition,
  step: StepDefinition,
  mapIndex: number,
  memo: RunMemo | undefined,
) {
  const mapSteps = new Set(pipeline.steps.filter((candidate) => candidate.kind === 'map').map((candidate) => candidate.name));
  const { params, outputs: inputs } =
    fromMemo(memo, assignment.runId, step.needs, mapSteps) ?? (await readRunInputs(workspace, assignment.runId, step.needs, mapSteps));
  if (memo) memo.params = params;
  let item: unknown;
  if (step.kind === 'map' && step.over !== undefined) {
    const list = inputs[step.over];
    if (!Array.isArray(list) || mapIndex < 0 || mapIndex >= list.length)
      throw new MlpError('FAILED_PRECONDITION', `item ${mapIndex} of map step '${step.name}' is not in the output of '${step.over}'.`);
    item = list[mapIndex];
  }
  return { params, inputs, item };
}

/** The inputs when every need is a plain step whose output this process wrote, else undefined (read the store). */
function fromMemo(memo: RunMemo | undefined, runId: string, needs: readonly string[], mapSteps: ReadonlySet<string>) {
  if (!memo || !('params' in memo)) return undefined;
  const outputs: Record<string, unknown> = {};
  for (const need of needs) {
    const taskId = taskIdOf(runId, need);
    if (mapSteps.has(need) || !memo.outputs.has(taskId)) return undefined;
    const json = memo.outputs.get(taskId);
    outputs[need] = json === undefined ? undefined : JSON.parse(json);
  }
  return { params: memo.params, outputs };
}

async function recordFailure(
  workspace: Workspace,
  assignment: TaskAssignment,
  error: { message: string; stack?: string; code?: string },
  flush: (tx?: Parameters<Parameters<Workspace['db']['transaction']>[0]>[0]) => Promise<void>,
): Promise<void> {
  await workspace.db.transaction(async (tx) => {
    await tx.execute(sql`update orchestrate_attempts a set status = 'failed', error = ${JSON.stringify(error)}::jsonb, ended_time = ${Date.now()}
      from orchestrate_tasks t
      where a.task_id = ${assignment.taskId} and a.attempt = ${assignment.attempt} and a.status = 'running'
        and t.task_id = a.task_id and t.fence = ${assignment.attempt}`);
    await flush(tx);
  });
}

const ABORTED = Symbol('aborted');

/** Resolves with the work's value, or ABORTED as soon as `signal` aborts (an in-process step cannot be killed). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function superseded(assignment: TaskAssignment): MlpError {
  return new MlpError(
    'CONFLICT',
    `attempt ${assignment.attempt} of task '${assignment.taskId}' was superseded (another attempt took it over); its result is discarded.`,
  );
}

/** The error as stored on the attempt: message, stack and, for an MlpError, its code. */
export function describeError(thrown: unknown): { message: string; stack?: string; code?: string } {
  if (thrown instanceof Error) {
    return {
      message: thrown.message || thrown.name,
      ...(thrown.stack ? { stack: thrown.stack } : {}),
      ...(MlpError.isInstance(thrown) ? { code: thrown.code } : {}),
    };
  }
  return { message: String(thrown) };
}
