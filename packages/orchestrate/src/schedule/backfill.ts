import { MlpError, type Workspace } from '@mlp/core';
import type { TaskExecutor } from '../executor/executor.js';
import type { Pipeline } from '../pipeline/define-pipeline.js';
import type { PipelineRef, PipelineSchedule } from '../pipeline/pipeline-types.js';
import type { PipelineRunStatus, RunHandle, RunTrigger } from '../run/run-types.js';
import { startRun } from '../run/start-run.js';
import { createCronSchedule, scheduleTriggerKey } from './cron-schedule.js';

export interface BackfillOptions {
  /** The range's first instant (epoch ms), included. */
  from: number;
  /** The range's last instant (epoch ms), included. */
  to: number;
  /** The cron to tick by; the pipeline's own schedule when omitted. */
  schedule?: PipelineSchedule;
  /** Runs at once (default 1: one tick after another, oldest first). */
  concurrency?: number;
  executor?: TaskExecutor;
  signal?: AbortSignal;
  /** Called as each tick's run starts and ends. */
  onProgress?: (progress: BackfillTick) => void;
  /** Starts one tick's run; by default `startRun`. */
  start?: (trigger: RunTrigger) => Promise<RunHandle>;
}

export interface BackfillTick {
  tick: number;
  runId: string;
  /** False when the tick already had a run (scheduled, or an earlier backfill): it is not run again. */
  created: boolean;
  /** Undefined while the run goes on. */
  status: PipelineRunStatus | undefined;
}

/** At most this many ticks per backfill, so a cron of every second over a year is refused, not started. */
export const maxBackfillTicks = 10_000;

/**
 * One run per tick of the pipeline's cron in [from, to], each with the tick as its logical time and
 * the tick's schedule key, so a tick that already ran (by the schedule or an earlier backfill) is not
 * run again. Resolves with every tick's run once they have all ended.
 */
export async function backfill(
  workspace: Workspace,
  pipeline: Pipeline | (PipelineRef & { schedule?: PipelineSchedule }),
  options: BackfillOptions,
): Promise<BackfillTick[]> {
  const { from, to } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to)
    throw new MlpError('INVALID_ARGUMENT', `backfill of '${pipeline.name}': --from must be a time at or before --to.`);
  const schedule = options.schedule ?? pipeline.schedule;
  if (!schedule)
    throw new MlpError('FAILED_PRECONDITION', `pipeline '${pipeline.name}' has no schedule; give it one (schedule: { cron }) to backfill.`);
  const ticks = createCronSchedule(pipeline.name, schedule).ticksBetween(from - 1, to, maxBackfillTicks + 1);
  if (ticks.length > maxBackfillTicks)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `backfill of '${pipeline.name}' would start more than ${maxBackfillTicks} runs ('${schedule.cron}' from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}); backfill a shorter range.`,
    );
  const start =
    options.start ??
    ((trigger: RunTrigger) => {
      const runOptions = {
        trigger,
        ...(options.executor && { executor: options.executor }),
        ...(options.signal && { signal: options.signal }),
      };
      return startRun(workspace, pipeline, runOptions);
    });
  const results: BackfillTick[] = [];
  let next = 0;
  const lane = async () => {
    while (next < ticks.length && !options.signal?.aborted) {
      const tick = ticks[next++] as number;
      const handle = await start({ kind: 'backfill', key: scheduleTriggerKey(tick), logicalTime: tick });
      const entry: BackfillTick = { tick, runId: handle.runId, created: handle.created, status: undefined };
      results.push(entry);
      options.onProgress?.({ ...entry });
      entry.status = (await handle.done).status;
      options.onProgress?.({ ...entry });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, ticks.length)) }, lane));
  return results.sort((a, b) => a.tick - b.tick);
}
