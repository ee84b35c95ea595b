import type { Logger } from '@mlp/core';
import type { TrackingStore } from '../store/tracking-store.js';

export interface Heartbeat {
  /** Stops the timer; a beat already sent is not waited for. */
  stop(): void;
}

/**
 * Calls `store.heartbeat(runId)` every `intervalMs` while the run is RUNNING. The run was created
 * with a timeout, so once this process dies or hangs, any reader marks the run FAILED. The timer is
 * unref'd: a heartbeat alone never keeps a process alive. A beat is skipped while the previous one is
 * in flight, so a slow store does not pile up calls; a failed beat is logged (the next may succeed).
 */
export function startHeartbeat(store: TrackingStore, runId: string, intervalMs: number, logger: Logger): Heartbeat {
  let inFlight = false;
  let warned = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    store.heartbeat(runId).then(
      () => {
        inFlight = false;
        warned = false;
      },
      (error: unknown) => {
        inFlight = false;
        // One warning per outage, not one per interval.
        if (!warned)
          logger.warn({ runId, err: error }, `Heartbeat of run ${runId} failed; readers fail the run if this lasts past its timeout.`);
        warned = true;
      },
    );
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
