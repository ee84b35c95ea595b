import { availableParallelism } from 'node:os';
import { MlpError, type Workspace } from '@mlp/core';
import type { TaskExecutor, TaskOutcome } from '../executor/executor.js';
import type { PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { PipelineRef, StepDefinition } from '../pipeline/pipeline-types.js';
import { findCachedOutput, readStepOutputs } from '../store/output-store.js';
import { finishRun, heartbeat } from '../store/run-store.js';
import { loadRunTasks, type TaskRow } from '../store/run-tasks.js';
import { type AttemptError, expandMapStep, finishAttempt, setTaskStatuses, startAttempt, succeedFromCache } from '../store/task-store.js';
import { cacheKeyOf } from './cache-key.js';
import { bump, drivenRuns, pipelinesInUse, poolsInUse, slotWaiters } from './engine-slots.js';
import { runsFinished, taskDuration, taskFailures } from './run-metrics.js';
import { type PipelineRunStatus, type TaskStatus, terminalTaskStatuses } from './run-types.js';
import {
  assignmentOf,
  pendingItemRow,
  type RunningAttempt as Running,
  recordedOutcome,
  resumedTaskVerdict,
  retryTime,
  type TaskState,
  taskStateOf,
} from './task-state.js';
import { decideTrigger } from './trigger-rule.js';

export interface DriveRunOptions {
  runId: string;
  pipeline: PipelineDefinition;
  ref: PipelineRef;
  executor: TaskExecutor;
  /** This engine's id: the claim on the run and the lease owner of the attempts it starts. */
  owner: string;
  leaseMs: number;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
}

const isTerminal = (status: TaskStatus) => terminalTaskStatuses.includes(status);

/**
 * Drives a run to its end: starts each task when its trigger rule allows, within the run's, pools'
 * and map steps' concurrency; retries with backoff; serves cached outputs; times attempts out; cancels.
 * Every transition is written to the store before the next decision, so another engine can resume the
 * run from the store after this process dies (`retryRun`, `recoverRuns`).
 */
export async function driveRun(workspace: Workspace, options: DriveRunOptions): Promise<PipelineRunStatus> {
  const { runId, pipeline, executor, owner, leaseMs } = options;
  const steps = new Map(pipeline.steps.map((step) => [step.name, step]));
  const mapSteps = new Set(pipeline.steps.filter((step) => step.kind === 'map').map((step) => step.name));
  const pipelineLimit = pipeline.concurrency ?? availableParallelism();

  const parents = new Map<string, TaskState>();
  const items = new Map<string, TaskState[]>();
  const running = new Map<string, Running>();
  const activeItems = new Map<string, number>();
  const completions: Array<{ run: Running; outcome: TaskOutcome }> = [];
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  const cancel = new AbortController();
  drivenRuns.set(runId, cancel);
  slotWaiters.add(poke);
  let blocked = false;
  const onAbort = () => {
    cancel.abort();
    poke();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) cancel.abort();
  // One listener stops every attempt in flight on cancel (one per attempt would pile up past Node's listener limit).
  cancel.signal.addEventListener(
    'abort',
    () => {
      for (const run of running.values()) run.controller.abort();
      poke();
    },
    { once: true },
  );

  const stateOf = (row: TaskRow): TaskState => taskStateOf(row, steps, runId, pipeline.name);
  const watched: TaskState[] = [];
  for (const row of await loadRunTasks(workspace, runId)) {
    const state = stateOf(row);
    if (row.mapIndex < 0) parents.set(row.step, state);
    else items.set(row.step, [...(items.get(row.step) ?? []), state]);
    if (row.status === 'running' && !(row.mapIndex < 0 && mapSteps.has(row.step))) watched.push(state);
  }
  for (const step of pipeline.steps)
    if (!parents.has(step.name)) throw new MlpError('FAILED_PRECONDITION', `run '${runId}' has no task for step '${step.name}'.`);

  let lostClaim = false;
  const beat = setInterval(
    () => {
      heartbeat(workspace, runId, owner, leaseMs, Date.now())
        .then((result) => {
          if (!result) lostClaim = true;
          if (!result || result.cancel) onAbort();
          if (watched.length) poke();
        })
        .catch((error) => workspace.logger.warn({ err: error, run: runId }, 'pipeline run heartbeat failed'));
    },
    Math.max(50, Math.min(1_000, Math.floor(leaseMs / 3))),
  );
  beat.unref();

  try {
    // Resumed after a crash between a map step's last item and the step itself: settle it now.
    for (const step of mapSteps) await settleMap(step);
    for (;;) {
      while (completions.length) await complete(completions.shift()!);
      if (cancel.signal.aborted) break;
      await settleWatched();
      const nextRetry = await schedule();
      if (running.size === 0 && watched.length === 0 && [...allTasks()].every((state) => isTerminal(state.row.status))) break;
      if (running.size === 0 && watched.length === 0 && nextRetry === undefined && completions.length === 0 && !blocked)
        throw new MlpError('INTERNAL', `run '${runId}' has tasks that can never start: ${describeStuck()}.`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (completions.length || cancel.signal.aborted) resolve();
        const delay = watched.length
          ? Math.min(leaseMs / 3, 1_000)
          : nextRetry === undefined
            ? undefined
            : Math.max(0, nextRetry - Date.now());
        // Not unref'd: a run waiting out a retry's backoff is work this process still has to do.
        if (delay !== undefined) setTimeout(resolve, delay);
      });
      wake = undefined;
    }
    if (lostClaim) return 'running';
    if (cancel.signal.aborted) return await cancelRemaining();
    const failedSteps = [...new Set([...allTasks()].filter((s) => s.row.status === 'failed').map((s) => s.row.step))];
    const status: PipelineRunStatus = failedSteps.length ? 'failed' : 'succeeded';
    const error = failedSteps.length ? `failed steps: ${failedSteps.join(', ')}` : undefined;
    await finishRun(workspace, runId, pipeline.name, status, error, Date.now());
    runsFinished.inc({ pipeline: pipeline.name, status });
    return status;
  } finally {
    clearInterval(beat);
    options.signal?.removeEventListener('abort', onAbort);
    drivenRuns.delete(runId);
    slotWaiters.delete(poke);
    for (const run of running.values()) {
      run.controller.abort();
      if (run.poolName !== undefined) bump(poolsInUse, run.poolName, -1);
      bump(pipelinesInUse, pipeline.name, -1);
    }
    running.clear();
  }

  function* allTasks(): Iterable<TaskState> {
    yield* parents.values();
    for (const list of items.values()) yield* list;
  }

  function describeStuck(): string {
    return [...allTasks()]
      .filter((state) => !isTerminal(state.row.status))
      .slice(0, 5)
      .map((state) => `${state.row.taskId} (${state.row.status})`)
      .join(', ');
  }

  /** Evaluates pending tasks and starts what may start; returns the earliest retry time still waiting. */
  async function schedule(): Promise<number | undefined> {
    const now = Date.now();
    const skipped: string[] = [];
    const upstreamFailed: string[] = [];
    const ready: TaskState[] = [];
    let nextRetry: number | undefined;
    let progressed = false;
    for (const step of pipeline.steps) {
      const parent = parents.get(step.name)!;
      if (parent.row.status === 'pending') {
        const upstream = step.needs.map((need) => parents.get(need)!.row.status);
        if (!upstream.every(isTerminal)) continue;
        const decision = decideTrigger(step.triggerRule, upstream);
        if (decision === 'skipped') skipped.push(parent.row.taskId);
        else if (decision === 'upstream_failed') upstreamFailed.push(parent.row.taskId);
        else if (step.kind === 'map') {
          await expand(step, parent);
          progressed = true;
        } else ready.push(parent);
        if (decision !== 'run') parent.row.status = decision;
      }
      const candidates = step.kind === 'map' ? (items.get(step.name) ?? []) : [parent];
      for (const state of candidates) {
        if (state.row.status === 'pending' && state !== parent) ready.push(state);
        if (state.row.status === 'up_for_retry') {
          if ((state.row.notBefore ?? 0) <= now) ready.push(state);
          else nextRetry = Math.min(nextRetry ?? Number.POSITIVE_INFINITY, state.row.notBefore!);
        }
      }
    }
    if (skipped.length || upstreamFailed.length)
      await workspace.db.transaction(async (tx) => {
        await setTaskStatuses(tx, skipped, 'skipped', now);
        await setTaskStatuses(tx, upstreamFailed, 'upstream_failed', now);
      });
    blocked = false;
    for (const state of ready) {
      if (running.has(state.row.taskId)) continue;
      const { step } = state;
      // Limits shared with other runs in this process block without a task of ours running: wait for a slot.
      if ((pipelinesInUse.get(pipeline.name) ?? 0) >= pipelineLimit) {
        blocked = true;
        break;
      }
      if (step.kind === 'map' && step.concurrency !== undefined && (activeItems.get(step.name) ?? 0) >= step.concurrency) continue;
      if (step.pool !== undefined && (poolsInUse.get(step.pool) ?? 0) >= (pipeline.pools[step.pool] ?? 1)) {
        blocked = true;
        continue;
      }
      if ((await dispatch(state)) === 'cached') progressed = true;
    }
    // A step whose upstream ended during this pass (skipped, cached, an empty map) may be ready now: go round again at once.
    if (progressed || skipped.length || upstreamFailed.length) return Date.now();
    return nextRetry;
  }

  async function expand(step: StepDefinition, parent: TaskState): Promise<void> {
    const over = (await readStepOutputs(workspace, runId, [step.over!], mapSteps))[step.over!];
    const now = Date.now();
    if (!Array.isArray(over)) {
      const error = { message: `map step '${step.name}' maps over '${step.over}', whose output is not a list.`, code: 'INVALID_ARGUMENT' };
      await workspace.db.transaction((tx) => setTaskStatuses(tx, [parent.row.taskId], 'failed', now, error));
      parent.row.status = 'failed';
      return;
    }
    const ids = await expandMapStep(workspace, runId, step.name, parent.row.taskId, over.length, now);
    parent.row.status = 'running';
    const list = ids.map((taskId, index) => stateOf(pendingItemRow(taskId, step.name, index)));
    items.set(step.name, list);
    await settleMap(step.name);
  }

  async function dispatch(state: TaskState): Promise<'cached' | 'started'> {
    const { step } = state;
    const now = Date.now();
    // Take the slots before the first await: another run's engine in this process checks them meanwhile.
    const release = () => {
      if (step.pool !== undefined) bump(poolsInUse, step.pool, -1);
      bump(pipelinesInUse, pipeline.name, -1);
      if (step.kind === 'map') activeItems.set(step.name, (activeItems.get(step.name) ?? 1) - 1);
    };
    if (step.pool !== undefined) bump(poolsInUse, step.pool, 1);
    bump(pipelinesInUse, pipeline.name, 1);
    if (step.kind === 'map') activeItems.set(step.name, (activeItems.get(step.name) ?? 0) + 1);
    const attempt = state.row.attempts + 1;
    let cacheKey: string | undefined;
    try {
      cacheKey =
        step.cacheTtlMs === undefined ? undefined : await cacheKeyOf(workspace, runId, pipeline.name, step, state.row.mapIndex, mapSteps);
      const hit = cacheKey === undefined ? undefined : await findCachedOutput(workspace, cacheKey, step.cacheTtlMs!, now);
      if (cacheKey !== undefined && hit !== undefined) {
        release();
        await succeedFromCache(workspace, state.ref, hit, cacheKey, now);
        state.row.status = 'succeeded';
        state.row.cached = true;
        await settleMap(step.name);
        return 'cached';
      }
      await startAttempt(workspace, state.ref, { number: attempt, executor: executor.name, owner, leaseMs, cacheKey, now });
    } catch (error) {
      release();
      throw error;
    }
    state.row.status = 'running';
    state.row.attempts = attempt;
    const controller = new AbortController();
    const run: Running = { state, attempt, controller, timedOut: false, startedAt: now, poolName: step.pool };
    running.set(state.row.taskId, run);
    const assignment = assignmentOf(state, attempt, options.ref);
    const timer =
      step.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            run.timedOut = true;
            controller.abort();
          }, step.timeoutMs);
    executor
      .execute(assignment, controller.signal)
      .catch((error): TaskOutcome => ({ status: 'failed', error: { message: error instanceof Error ? error.message : String(error) } }))
      .then((outcome) => {
        if (timer) clearTimeout(timer);
        completions.push({ run, outcome });
        poke();
      });
    return 'started';
  }

  async function complete({ run, outcome }: { run: Running; outcome: TaskOutcome }): Promise<void> {
    const { state, attempt } = run;
    running.delete(state.row.taskId);
    if (state.step.kind === 'map') activeItems.set(state.step.name, (activeItems.get(state.step.name) ?? 1) - 1);
    if (run.poolName !== undefined) bump(poolsInUse, run.poolName, -1);
    bump(pipelinesInUse, pipeline.name, -1);
    if (lostClaim) return;
    const now = Date.now();
    const seconds = (now - run.startedAt) / 1000;
    const result = recordedOutcome(run, outcome, cancel.signal.aborted);
    taskDuration.observe({ pipeline: pipeline.name, step: state.step.name, status: result.status }, seconds);
    if (result.status === 'failed') {
      taskFailures.inc({ pipeline: pipeline.name, step: state.step.name });
      await failOrRetry(state, attempt, result.error, now);
    } else {
      // A succeeded attempt recorded the task's success itself, with its output (executeTaskAttempt).
      if (result.status !== 'succeeded') await finishAttempt(workspace, state.ref, { attempt, status: result.status, now });
      state.row.status = result.status;
    }
    await settleMap(state.step.name);
  }

  async function failOrRetry(state: TaskState, attempt: number, error: AttemptError, now: number): Promise<void> {
    const notBefore = retryTime(state, attempt, error, now);
    const status = notBefore === undefined ? 'failed' : 'up_for_retry';
    await finishAttempt(workspace, state.ref, { attempt, status, error, notBefore, now });
    state.row.status = status;
    state.row.notBefore = notBefore;
  }

  /** A map step ends when all its items have: succeeded if they all did. */
  async function settleMap(stepName: string): Promise<void> {
    const parent = parents.get(stepName)!;
    const list = items.get(stepName);
    if (!mapSteps.has(stepName) || parent.row.status !== 'running' || !list) return;
    if (!list.every((state) => isTerminal(state.row.status))) return;
    const failed = list.filter((state) => state.row.status !== 'succeeded').length;
    const now = Date.now();
    const status: TaskStatus = failed ? 'failed' : 'succeeded';
    const error = failed ? { message: `${failed} of ${list.length} items of map step '${stepName}' did not succeed` } : undefined;
    await workspace.db.transaction((tx) => setTaskStatuses(tx, [parent.row.taskId], status, now, error));
    parent.row.status = status;
  }

  /**
   * Tasks found running when the run was resumed: an attempt that ended is applied; one whose lease
   * expired (its process is gone) fails and is retried if it may be; one still leased is watched.
   */
  async function settleWatched(): Promise<void> {
    if (watched.length === 0) return;
    const fresh = new Map((await loadRunTasks(workspace, runId)).map((row) => [row.taskId, row]));
    const now = Date.now();
    for (const state of [...watched]) {
      const row = fresh.get(state.row.taskId);
      const verdict = resumedTaskVerdict(row, owner, now);
      if (verdict === 'live') continue;
      if (verdict === 'ended') {
        state.row.status = row!.status;
      } else if (verdict === 'attempt_succeeded') {
        await finishAttempt(workspace, state.ref, { attempt: state.row.attempts, status: 'succeeded', now });
        state.row.status = 'succeeded';
      } else if (verdict === 'attempt_failed') {
        await failOrRetry(state, state.row.attempts, row!.attempt!.error ?? { message: 'the attempt failed' }, now);
      } else {
        const error = { message: 'the process running this attempt is gone (its lease expired)', code: 'UNAVAILABLE' };
        taskFailures.inc({ pipeline: pipeline.name, step: state.step.name });
        if (state.row.attempts === 0) state.row.status = 'pending';
        else await failOrRetry(state, state.row.attempts, error, now);
      }
      watched.splice(watched.indexOf(state), 1);
      await settleMap(state.step.name);
    }
  }

  async function cancelRemaining(): Promise<PipelineRunStatus> {
    const inFlight = [...running.values()];
    for (const run of inFlight) run.controller.abort();
    while (running.size) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (completions.length) resolve();
      });
      while (completions.length) {
        const { run } = completions.shift()!;
        running.delete(run.state.row.taskId);
        if (run.poolName !== undefined) bump(poolsInUse, run.poolName, -1);
        bump(pipelinesInUse, pipeline.name, -1);
        await finishAttempt(workspace, run.state.ref, { attempt: run.attempt, status: 'cancelled', now: Date.now() });
        run.state.row.status = 'cancelled';
      }
    }
    const open = [...allTasks()].filter((state) => !isTerminal(state.row.status));
    const now = Date.now();
    await workspace.db.transaction((tx) =>
      setTaskStatuses(
        tx,
        open.map((state) => state.row.taskId),
        'cancelled',
        now,
      ),
    );
    for (const state of open) state.row.status = 'cancelled';
    await finishRun(workspace, runId, pipeline.name, 'cancelled', 'cancelled', now);
    runsFinished.inc({ pipeline: pipeline.name, status: 'cancelled' });
    return 'cancelled';
  }
}
