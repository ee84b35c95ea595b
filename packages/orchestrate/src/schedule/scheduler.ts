import { toMlpError, type Workspace } from '@mlp/core';
import type { TaskExecutor } from '../executor/executor.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import type { RunHandle, RunTrigger } from '../run/run-types.js';
import { startRun } from '../run/start-run.js';
import { type CronSchedule, createCronSchedule, scheduleTriggerKey } from './cron-schedule.js';
import { dueTicks } from './due-ticks.js';
import { lastScheduledTick, listScheduledPipelines, type ScheduledPipeline } from './scheduled-pipelines.js';
import { type SchedulerClock, systemClock } from './scheduler-clock.js';

/** One tick fired: `created` is false when another scheduler (or a backfill) had already started it. */
export interface ScheduledTick {
  pipeline: string;
  tick: number;
  runId: string;
  created: boolean;
}

export interface SchedulerOptions {
  /** Where the runs' tasks run (the local executor when omitted). */
  executor?: TaskExecutor;
  /** Which pipelines to fire; by default those recorded in the workspace with a schedule, re-read every loop. */
  pipelines?: () => Promise<ScheduledPipeline[]>;
  /** The latest tick with a run; by default read from the runs table. */
  lastTick?: (pipeline: string) => Promise<number | undefined>;
  /** Starts one tick's run; by default `startRun` with the tick's idempotency key. */
  start?: (ref: PipelineRef, trigger: RunTrigger) => Promise<RunHandle>;
  clock?: SchedulerClock;
  /** The longest sleep between two looks at the recorded pipelines (ms). */
  refreshMs?: number;
  /** Ticks started per pipeline per loop, so catching up on a long gap does not start thousands at once. */
  maxTicksPerLoop?: number;
  onTick?: (tick: ScheduledTick) => void;
}

export interface Scheduler {
  /** Stops firing ticks and waits for the runs this scheduler started to end. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Fires the cron schedules of a workspace's pipelines until closed. Several schedulers may run at
 * once (in `mlp scheduler`, `mlp server`, `mlp worker`): each tick's run is started under the key
 * `schedule:<ISO tick>`, and the runs table's UNIQUE (pipeline_name, trigger_key) makes one run of it.
 */
export function startScheduler(workspace: Workspace, options: SchedulerOptions = {}): Scheduler {
  const clock = options.clock ?? systemClock;
  const listPipelines = options.pipelines ?? (() => listScheduledPipelines(workspace));
  const readLastTick = options.lastTick ?? ((pipeline: string) => lastScheduledTick(workspace, pipeline));
  const start =
    options.start ??
    ((ref: PipelineRef, trigger: RunTrigger) =>
      startRun(workspace, ref, options.executor ? { trigger, executor: options.executor } : { trigger }));
  const refreshMs = options.refreshMs ?? 5_000;
  const maxTicks = options.maxTicksPerLoop ?? 100;
  const since = clock.now();
  const stop = new AbortController();
  const parsed = new Map<string, { key: string; schedule: CronSchedule | undefined }>();
  const lastStarted = new Map<string, number>();
  const running = new Set<Promise<unknown>>();

  const scheduleOf = ({ ref, schedule }: ScheduledPipeline): CronSchedule | undefined => {
    const key = JSON.stringify(schedule);
    const cached = parsed.get(ref.name);
    if (cached?.key === key) return cached.schedule;
    let cron: CronSchedule | undefined;
    try {
      cron = createCronSchedule(ref.name, schedule);
    } catch (error) {
      workspace.logger.error(toMlpError(error).message); // once per change, not every loop
    }
    parsed.set(ref.name, { key, schedule: cron });
    return cron;
  };

  const fire = async (entry: ScheduledPipeline, cron: CronSchedule, now: number): Promise<void> => {
    const stored = await readLastTick(entry.ref.name);
    const known = lastStarted.get(entry.ref.name);
    const lastTick = stored === undefined ? known : Math.max(stored, known ?? stored);
    for (const tick of dueTicks(cron, { lastTick, since, now, limit: maxTicks })) {
      if (stop.signal.aborted) return;
      const handle = await start(entry.ref, { kind: 'schedule', key: scheduleTriggerKey(tick), logicalTime: tick });
      lastStarted.set(entry.ref.name, tick);
      options.onTick?.({ pipeline: entry.ref.name, tick, runId: handle.runId, created: handle.created });
      // Another process drives a run this one did not create: only its own are awaited on close.
      if (handle.created) track(handle.done);
    }
  };

  const track = (done: Promise<unknown>) => {
    const settled = done.then(
      () => undefined,
      (error: unknown) => workspace.logger.error(`a scheduled run failed to complete: ${toMlpError(error).message}`),
    );
    running.add(settled);
    void settled.finally(() => running.delete(settled));
  };

  const loop = async () => {
    while (!stop.signal.aborted) {
      const now = clock.now();
      let wake = now + refreshMs;
      try {
        for (const entry of await listPipelines()) {
          const cron = scheduleOf(entry);
          if (!cron) continue;
          await fire(entry, cron, now);
          const next = cron.next(now);
          if (next !== undefined) wake = Math.min(wake, next);
        }
      } catch (error) {
        workspace.logger.error(`scheduler: ${toMlpError(error).message}; trying again shortly.`);
      }
      await clock.sleep(wake - clock.now(), stop.signal);
    }
  };
  const looping = loop();

  const close = async () => {
    stop.abort();
    await looping;
    await Promise.all(running);
  };
  return { close, [Symbol.asyncDispose]: close };
}
