// The `--json` shapes of the orchestrate commands (docs/cli-json.md): snake_case keys, epoch-ms times, null for absent.
import type { PipelineSchedule } from '../pipeline/pipeline-types.js';
import type { BackfillTick } from '../schedule/backfill.js';
import type { CronSchedule } from '../schedule/cron-schedule.js';

/** `mlp pipeline schedules`: one entry per scheduled pipeline; `error` when its schedule does not parse. */
export function scheduleJson(row: {
  pipeline: string;
  schedule: PipelineSchedule;
  cron: CronSchedule | undefined;
  nextTick: number | undefined;
  lastTick: number | undefined;
  error: string | undefined;
}) {
  return {
    pipeline: row.pipeline,
    cron: row.schedule.cron,
    timezone: row.cron?.timezone ?? row.schedule.timezone ?? 'UTC',
    catchup: row.cron?.catchup ?? row.schedule.catchup ?? 'skip',
    next_tick: row.nextTick ?? null,
    last_tick: row.lastTick ?? null,
    error: row.error ?? null,
  };
}

/** `mlp pipeline backfill`: every tick in the range with its run. */
export function backfillJson(result: { pipeline: string; from: number; to: number; runs: BackfillTick[] }) {
  return {
    pipeline: result.pipeline,
    from: result.from,
    to: result.to,
    runs: result.runs.map((run) => ({ tick: run.tick, run_id: run.runId, created: run.created, status: run.status ?? null })),
  };
}

/** `mlp worker`, once stopped: what it ran. */
export function workerJson(report: {
  concurrency: number;
  leaseMs: number;
  counts: { succeeded: number; failed: number; cancelled: number };
  startedAt: number;
  stoppedAt: number;
}) {
  return {
    pid: process.pid,
    concurrency: report.concurrency,
    lease_ms: report.leaseMs,
    attempts: { ...report.counts },
    started_at: report.startedAt,
    stopped_at: report.stoppedAt,
  };
}

/** `mlp scheduler`, once stopped: the runs it started. */
export function schedulerJson(report: { ticks: number; events: number; startedAt: number; stoppedAt: number }) {
  return { ticks: report.ticks, events: report.events, started_at: report.startedAt, stopped_at: report.stoppedAt };
}
