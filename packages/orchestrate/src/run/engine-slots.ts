/**
 * What the run engines of one process share: the slots of pools and pipelines in use (a pool's and a
 * pipeline's `concurrency` bound tasks across every run this process drives), the engines waiting for
 * one, and the runs driven here (so `cancelRun` stops them without waiting for a heartbeat).
 */

/** Pool slots in use, shared by every run this process drives. */
export const poolsInUse = new Map<string, number>();
/** Tasks running per pipeline, over every run of it this process drives: the pipeline's `concurrency` bounds it. */
export const pipelinesInUse = new Map<string, number>();
/** Engines of this process waiting for a pool or pipeline slot another run holds: woken when one frees. */
export const slotWaiters = new Set<() => void>();
/** Runs driven by this process, so `cancelRun` here stops them without waiting for a heartbeat. */
export const drivenRuns = new Map<string, AbortController>();

/** Counts `by` slots taken (positive) or freed (negative) under `key`; a freed slot wakes the waiting engines. */
export function bump(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, Math.max(0, (counts.get(key) ?? 0) + by));
  if (by < 0) for (const wake of slotWaiters) wake();
}
