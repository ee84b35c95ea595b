// The `--json` shapes of the orchestrate commands (docs/cli-json.md): snake_case keys, epoch-ms times, null for absent.
import type { PipelineSchedule } from '../pipeline/pipeline-types.js';
import type { RunSummary } from '../run/run-types.js';
import type { BackfillTick } from '../schedule/backfill.js';
import type { CronSchedule } from '../schedule/cron-schedule.js';
import type { LogLine } from '../store/log-store.js';
import type { PipelineRecord } from '../store/run-summary.js';

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

/** `mlp scheduler`, once stopped: the runs it started, and those it resumed after their process died. */
export function schedulerJson(report: { ticks: number; events: number; recovered: number; startedAt: number; stoppedAt: number }) {
  return {
    ticks: report.ticks,
    events: report.events,
    recovered: report.recovered,
    started_at: report.startedAt,
    stopped_at: report.stoppedAt,
  };
}

/** `mlp pipeline run|show|retry`: a run with its tasks (map items carry their `map_index`). */
export function runJson(summary: RunSummary) {
  return {
    run_id: summary.runId,
    pipeline: summary.pipeline,
    status: summary.status,
    params: summary.params,
    trigger: summary.trigger.kind,
    trigger_key: summary.trigger.key ?? null,
    source_hash: summary.sourceHash,
    created_at: summary.createdAt,
    started_at: summary.startedAt ?? null,
    ended_at: summary.endedAt ?? null,
    error: summary.error ?? null,
    tasks: summary.tasks.map((task) => ({
      name: task.name,
      map_index: task.mapIndex ?? null,
      status: task.status,
      attempts: task.attempts,
      cached: task.cached,
      started_at: task.startedAt ?? null,
      ended_at: task.endedAt ?? null,
      error: task.error?.message ?? null,
    })),
  };
}

/** `mlp pipeline runs`: runs without their tasks. */
export function runListJson(runs: RunSummary[]) {
  return runs.map((run) => {
    const { tasks: _tasks, ...shaped } = runJson(run);
    return shaped;
  });
}

/** `mlp pipeline ls`: the recorded pipelines. */
export function pipelineListJson(pipelines: PipelineRecord[]) {
  return pipelines.map((pipeline) => ({
    name: pipeline.name,
    module_path: pipeline.modulePath,
    source_hash: pipeline.sourceHash,
    steps: pipeline.steps.map((step) => step.name),
    schedule: pipeline.schedule ?? null,
    triggers: pipeline.triggers ?? null,
    updated_at: pipeline.updatedAt,
    last_run: pipeline.lastRun
      ? { run_id: pipeline.lastRun.runId, status: pipeline.lastRun.status, created_at: pipeline.lastRun.createdAt }
      : null,
  }));
}

/** `mlp pipeline logs`: one entry per stored line. */
export function logLinesJson(lines: LogLine[]) {
  return lines.map((line) => ({
    task_id: line.taskId,
    step: line.step,
    map_index: line.mapIndex ?? null,
    attempt: line.attempt,
    time: line.time,
    level: line.level,
    message: line.message,
  }));
}
