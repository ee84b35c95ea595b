import { MlpError, type Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { TaskExecutor } from '../executor/executor.js';
import { createLocalExecutor } from '../executor/local/local-executor.js';
import { loadPipeline, rememberPipeline } from '../load/load-pipeline.js';
import type { PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import { claimRun, getRun } from '../store/run-store.js';
import { loadRunSummary } from '../store/run-summary.js';
import { loadRunTasks } from '../store/run-tasks.js';
import { driveRun } from './run-engine.js';
import type { RunHandle } from './run-types.js';
import { DEFAULT_LEASE_MS, ensureOrchestrateTables, newOwnerId } from './start-run.js';

export interface RetryRunOptions {
  /** The pipeline in memory (a run of a pipeline defined in code); else its module is loaded from the run's path. */
  pipeline?: PipelineDefinition;
  executor?: TaskExecutor;
  leaseMs?: number;
  signal?: AbortSignal;
  /** The engine that held the run, known gone before its claim expired (its process no longer exists here). */
  takeOverFrom?: string;
}

const RESET = new Set(['failed', 'upstream_failed', 'cancelled', 'skipped']);

/**
 * Re-runs a run in place: the steps that did not succeed and everything downstream of them start
 * again (attempt numbers continue), the rest keep their outputs. A map step keeps its succeeded items
 * unless its list is recomputed. A run whose engine is gone (still running, claim expired) is resumed
 * as it was: attempts whose lease expired fail and are retried if their step allows.
 */
export async function retryRun(workspace: Workspace, runId: string, options: RetryRunOptions = {}): Promise<RunHandle> {
  await ensureOrchestrateTables(workspace);
  const run = await getRun(workspace, runId);
  const owner = newOwnerId();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const { pipeline, ref } = await pipelineOf(workspace, run.pipelineName, run.modulePath, run.sourceHash, options.pipeline);
  const now = Date.now();
  if (run.status === 'running' || run.status === 'queued') {
    if (!(await claimRun(workspace, runId, owner, leaseMs, now, options.takeOverFrom)))
      throw new MlpError(
        'FAILED_PRECONDITION',
        `run '${runId}' is still being driven by ${run.owner ?? 'another engine'}; cancel it or wait for it to end.`,
        { details: { reason: 'claimed' } },
      );
  } else if (run.status === 'succeeded') {
    throw new MlpError('FAILED_PRECONDITION', `run '${runId}' succeeded: nothing to retry. Start a new run instead.`);
  } else {
    await resetForRetry(workspace, pipeline, ref, runId, owner, leaseMs, now);
  }
  const ownExecutor = options.executor === undefined;
  const executor = options.executor ?? createLocalExecutor(workspace);
  const done = driveRun(workspace, { runId, pipeline, ref, executor, owner, leaseMs, signal: options.signal })
    .finally(() => (ownExecutor ? executor.close() : undefined))
    .then(() => loadRunSummary(workspace, runId));
  done.catch(() => undefined);
  return { runId, created: false, done };
}

async function pipelineOf(
  workspace: Workspace,
  name: string,
  modulePath: string,
  sourceHash: string,
  given: PipelineDefinition | undefined,
): Promise<{ pipeline: PipelineDefinition; ref: PipelineRef }> {
  if (given) {
    const ref = { name, modulePath, sourceHash };
    rememberPipeline(given, ref);
    return { pipeline: given, ref };
  }
  if (modulePath === '')
    throw new MlpError(
      'FAILED_PRECONDITION',
      `pipeline '${name}' was defined in code, not loaded from a module: retry it from that code (retryRun with { pipeline }).`,
    );
  // The module as it is now: retrying after fixing a step is the point. The run records the new hash.
  return loadPipeline(modulePath, workspace.config.dir);
}

async function resetForRetry(
  workspace: Workspace,
  pipeline: PipelineDefinition,
  ref: PipelineRef,
  runId: string,
  owner: string,
  leaseMs: number,
  now: number,
): Promise<void> {
  const tasks = await loadRunTasks(workspace, runId);
  const reset = new Set(tasks.filter((task) => RESET.has(task.status)).map((task) => task.step));
  // Everything downstream of a reset step runs again: its inputs may change.
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of pipeline.steps)
      if (!reset.has(step.name) && step.needs.some((need) => reset.has(need))) {
        reset.add(step.name);
        grew = true;
      }
  }
  const recomputedLists = new Set(pipeline.steps.filter((step) => step.kind === 'map' && reset.has(step.over!)).map((step) => step.name));
  const keepItems = pipeline.steps
    .filter((step) => step.kind === 'map' && reset.has(step.name) && !recomputedLists.has(step.name))
    .map((s) => s.name);
  const expanded = new Set(tasks.filter((task) => task.mapIndex >= 0).map((task) => task.step));
  await workspace.db.transaction(async (tx) => {
    const steps = JSON.stringify([...reset]);
    const recomputed = JSON.stringify([...recomputedLists]);
    const kept = JSON.stringify(keepItems.filter((step) => expanded.has(step)));
    await tx.execute(sql`delete from orchestrate_tasks where run_id = ${runId} and map_index >= 0
      and step in (select jsonb_array_elements_text(${recomputed}::jsonb))`);
    // A map step keeping its items: the failed items start again, the step itself is running.
    await tx.execute(sql`update orchestrate_tasks set status = 'pending', error = null, ended_time = null, not_before = null
      where run_id = ${runId} and map_index >= 0 and status <> 'succeeded' and step in (select jsonb_array_elements_text(${kept}::jsonb))`);
    await tx.execute(sql`update orchestrate_tasks set status = case when step in (select jsonb_array_elements_text(${kept}::jsonb)) then 'running' else 'pending' end,
        error = null, ended_time = null, not_before = null, cached = false
      where run_id = ${runId} and map_index = -1 and step in (select jsonb_array_elements_text(${steps}::jsonb))`);
    await tx.execute(sql`delete from orchestrate_outputs o using orchestrate_tasks t
      where o.task_id = t.task_id and t.run_id = ${runId} and t.status <> 'succeeded'`);
    await tx.execute(sql`update orchestrate_runs set status = 'running', error = null, ended_time = null, owner = ${owner},
        lease_expires_at = ${now + leaseMs}, cancel_requested = false, source_hash = ${ref.sourceHash}
      where run_id = ${runId}`);
    await workspace.events.publish(
      'pipeline_run.started',
      { run_id: runId, pipeline: pipeline.name, trigger: 'retry', source_hash: ref.sourceHash },
      { tx },
    );
  });
}
