import { randomUUID } from 'node:crypto';
import { MlpError, sha256Hex, type Workspace } from '@mlp/core';
import type { TaskExecutor } from '../executor/executor.js';
import { createLocalExecutor } from '../executor/local/local-executor.js';
import { migrations } from '../generated/migrations.js';
import { loadPipeline, rememberPipeline } from '../load/load-pipeline.js';
import type { PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import { createRun, recordPipeline } from '../store/run-store.js';
import { loadRunSummary } from '../store/run-summary.js';
import { processHost } from './owner-liveness.js';
import { driveRun } from './run-engine.js';
import type { RunHandle, RunSummary, StartPipelineRunOptions } from './run-types.js';
import { waitForRun } from './run-waiter.js';

/** How long an engine's claim on a run (and its attempts' leases) lasts without a heartbeat. */
export const DEFAULT_LEASE_MS = 30_000;

const migrated = new WeakMap<Workspace, Promise<void>>();

/** Applies the package's migrations once per workspace object. */
export function ensureOrchestrateTables(workspace: Workspace): Promise<void> {
  let done = migrated.get(workspace);
  if (!done) {
    done = workspace.migrate(migrations);
    migrated.set(workspace, done);
    done.catch(() => migrated.delete(workspace));
  }
  return done;
}

/** A process-unique id for an engine: what its claims and leases are recorded under. */
export function newOwnerId(): string {
  return `${processHost()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Starts a run of `pipeline` (a definition, or a ref to its module) and drives it in this process
 * until it ends: the handle has the run id at once and the summary when done. Params are parsed
 * and the graph checked before anything is written. With `trigger.key`, a run already started under
 * the same key is returned instead (`created: false`), so two schedulers firing one tick make one run.
 */
export async function startRun(
  workspace: Workspace,
  pipeline: PipelineDefinition | PipelineRef,
  options: StartPipelineRunOptions = {},
): Promise<RunHandle> {
  const resolved = await resolvePipeline(workspace, pipeline, options.modulePath);
  resolved.pipeline.validate();
  const params = resolved.pipeline.parseParams(options.params);
  await ensureOrchestrateTables(workspace);
  const ownExecutor = options.executor === undefined;
  const executor: TaskExecutor = options.executor ?? createLocalExecutor(workspace);
  const owner = newOwnerId();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = Date.now();
  if (resolved.ref.modulePath !== '') await recordPipeline(workspace, resolved.pipeline, resolved.ref, now);
  const trigger = options.trigger ?? { kind: 'manual' };
  const { runId, created } = await createRun(workspace, {
    runId: randomUUID().replaceAll('-', ''),
    pipeline: resolved.pipeline,
    ref: resolved.ref,
    params,
    trigger,
    executor: executor.name,
    owner,
    leaseMs,
    now,
  });
  if (!created) {
    if (ownExecutor) await executor.close();
    // Another engine drives it: it is waited for only by a caller that asks for `done`.
    let following: Promise<RunSummary> | undefined;
    return {
      runId,
      created,
      get done() {
        following ??= waitForRun(workspace, runId, options.signal);
        return following;
      },
    };
  }
  const done = driveRun(workspace, {
    runId,
    pipeline: resolved.pipeline,
    ref: resolved.ref,
    executor,
    owner,
    leaseMs,
    signal: options.signal,
  })
    .finally(() => (ownExecutor ? executor.close() : undefined))
    .then(() => loadRunSummary(workspace, runId));
  // The caller may only want the id (`--detach`): a failure is in the summary, never an unhandled rejection.
  done.catch(() => undefined);
  return { runId, created, done };
}

/** The pipeline and its ref: a definition in memory (with its module path when known) or a ref to load. */
export async function resolvePipeline(
  workspace: Workspace,
  pipeline: PipelineDefinition | PipelineRef,
  modulePath?: string,
): Promise<{ pipeline: PipelineDefinition; ref: PipelineRef }> {
  if (!('steps' in pipeline)) {
    const loaded = await loadPipeline(pipeline.modulePath, workspace.config.dir, pipeline.sourceHash || undefined);
    if (loaded.pipeline.name !== pipeline.name)
      throw new MlpError(
        'FAILED_PRECONDITION',
        `the module '${pipeline.modulePath}' defines pipeline '${loaded.pipeline.name}', not '${pipeline.name}'.`,
      );
    return loaded;
  }
  if (modulePath !== undefined) {
    const loaded = await loadPipeline(modulePath, workspace.config.dir);
    rememberPipeline(pipeline, loaded.ref);
    return { pipeline, ref: loaded.ref };
  }
  // Defined in memory only: the hash covers its steps' code; its tasks can run in this process only.
  const sourceHash = sha256Hex(JSON.stringify(pipeline.steps.map((step) => [step.name, step.needs, step.source])));
  const ref = { name: pipeline.name, modulePath: '', sourceHash };
  rememberPipeline(pipeline, ref);
  return { pipeline, ref };
}
