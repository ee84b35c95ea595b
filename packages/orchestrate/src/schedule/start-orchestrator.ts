import { toMlpError, type Workspace } from '@mlp/core';
import type { TaskExecutor } from '../executor/executor.js';
import { recoverRuns } from '../run/recover-runs.js';
import { DEFAULT_LEASE_MS } from '../run/start-run.js';
import { startEventTriggers } from '../trigger/event-triggers.js';
import { type ScheduledTick, startScheduler } from './scheduler.js';

export interface OrchestratorOptions {
  /** Where the tasks of the runs it starts or resumes run (the local executor when omitted). */
  executor?: TaskExecutor;
  /** Fire cron schedules (default true). */
  schedules?: boolean;
  /** Start runs on durable events (default true). */
  triggers?: boolean;
  /** How often runs whose engine is gone are looked for and resumed (ms, default a third of the lease; 0: never). */
  recoverEveryMs?: number;
  onTick?: (tick: ScheduledTick) => void;
  onEvent?: (fired: { pipeline: string; eventId: string; runId: string; created: boolean }) => void;
  /** A run whose engine was gone, resumed here. */
  onRecovered?: (runId: string) => void;
}

export interface Orchestrator {
  /** What was started here so far: ticks and events that created runs, runs resumed. */
  readonly counts: { ticks: number; events: number; recovered: number };
  /** Stops firing and recovering, and waits for the runs started or resumed here to end. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * What the long-running processes (`mlp server`, `mlp worker`, `mlp scheduler`) do for pipelines
 * besides their own work: fire schedules and event triggers, and every few seconds resume the runs
 * whose engine is gone, so nothing stays RUNNING after its process died. Several may run at once:
 * each tick and event makes one run (trigger keys), and each gone run is claimed by one of them.
 */
export function startOrchestrator(workspace: Workspace, options: OrchestratorOptions = {}): Orchestrator {
  const { executor } = options;
  const counts = { ticks: 0, events: 0, recovered: 0 };
  const scheduler =
    options.schedules === false
      ? undefined
      : startScheduler(workspace, {
          ...(executor && { executor }),
          onTick: (tick) => {
            if (tick.created) counts.ticks++;
            options.onTick?.(tick);
          },
        });
  const triggers =
    options.triggers === false
      ? undefined
      : startEventTriggers(workspace, {
          ...(executor && { executor }),
          onRun: (fired) => {
            if (fired.created) counts.events++;
            options.onEvent?.(fired);
          },
        });

  const resumed = new Set<Promise<unknown>>();
  const recoverEveryMs = options.recoverEveryMs ?? Math.floor(DEFAULT_LEASE_MS / 3);
  let recovering: Promise<void> = Promise.resolve();
  let closed = false;
  const recover = async () => {
    const handles = await recoverRuns(workspace, { ...(executor && { executor }), abandonUnresumable: true });
    for (const handle of handles) {
      counts.recovered++;
      options.onRecovered?.(handle.runId);
      const settled = handle.done.then(
        () => undefined,
        (error: unknown) => workspace.logger.error(`a resumed run failed to complete: ${toMlpError(error).message}`),
      );
      resumed.add(settled);
      void settled.finally(() => resumed.delete(settled));
    }
  };
  const tick = () => {
    recovering = recovering
      .then(() => (closed ? undefined : recover()))
      .catch((error: unknown) => workspace.logger.warn(`recovering pipeline runs: ${toMlpError(error).message}; trying again shortly.`));
  };
  const timer = recoverEveryMs > 0 ? setInterval(tick, recoverEveryMs) : undefined;
  timer?.unref();
  if (timer) tick(); // at start too: a process restarted after a crash resumes what it left at once

  const close = async () => {
    closed = true;
    if (timer) clearInterval(timer);
    await recovering;
    await Promise.all([scheduler?.close(), triggers?.close()]);
    await Promise.all(resumed);
  };
  return { counts, close, [Symbol.asyncDispose]: close };
}
