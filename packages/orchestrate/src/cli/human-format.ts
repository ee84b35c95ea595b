import type { TextTable } from '@mlp/cli';
import type { RunSummary, TaskStatus, TaskSummary } from '../run/run-types.js';
import type { LogLine } from '../store/log-store.js';
import type { PipelineRecord } from '../store/run-summary.js';

const marks: Record<TaskStatus, string> = {
  pending: '·',
  running: '▶',
  up_for_retry: '↻',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  upstream_failed: '✗',
  cancelled: '⊘',
};

const time = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const duration = (task: { startedAt: number | undefined; endedAt: number | undefined }) =>
  task.startedAt !== undefined && task.endedAt !== undefined ? `${task.endedAt - task.startedAt} ms` : '';

/** The task graph with live states: one line per step, a map step with its items counted. */
export function taskGraphLines(summary: RunSummary): string[] {
  const lines = [`${summary.pipeline} ${summary.runId} ${summary.status}`];
  const items = new Map<string, TaskSummary[]>();
  for (const task of summary.tasks) if (task.mapIndex !== undefined) items.set(task.name, [...(items.get(task.name) ?? []), task]);
  for (const task of summary.tasks) {
    if (task.mapIndex !== undefined) continue;
    const children = items.get(task.name);
    const count = children
      ? ` ${children.filter((c) => c.status === 'succeeded').length}/${children.length} items` +
        (children.some((c) => c.status === 'running') ? `, ${children.filter((c) => c.status === 'running').length} running` : '')
      : '';
    const attempts = task.attempts > 1 ? ` (attempt ${task.attempts})` : '';
    const extra = task.cached ? ' (cached)' : '';
    lines.push(`  ${marks[task.status]} ${task.name} ${task.status}${count}${attempts}${extra} ${duration(task)}`.trimEnd());
  }
  return lines;
}

/** A run as text: its header, its tasks, and the error of each failed task. */
export function runText(summary: RunSummary): string {
  const lines = taskGraphLines(summary);
  lines.push(`  started ${time(summary.startedAt)}, ended ${time(summary.endedAt)}`);
  for (const task of summary.tasks)
    if (task.error && task.status === 'failed')
      lines.push(`  ${task.name}${task.mapIndex === undefined ? '' : `[${task.mapIndex}]`}: ${task.error.message}`);
  return lines.join('\n');
}

export function runsTable(runs: RunSummary[]): TextTable {
  return {
    columns: ['run_id', 'pipeline', 'status', 'trigger', 'started', 'ended'],
    rows: runs.map((run) => [run.runId, run.pipeline, run.status, run.trigger.kind, time(run.startedAt), time(run.endedAt)]),
  };
}

export function pipelinesTable(pipelines: PipelineRecord[]): TextTable {
  return {
    columns: ['name', 'module', 'steps', 'schedule', 'last run'],
    rows: pipelines.map((p) => [
      p.name,
      p.modulePath,
      String(p.steps.length),
      p.schedule ? String((p.schedule as { cron?: string }).cron ?? '') : '-',
      p.lastRun ? `${p.lastRun.status} ${time(p.lastRun.createdAt)}` : '-',
    ]),
  };
}

export function logLineText(line: LogLine): string {
  const task = line.mapIndex === undefined ? line.step : `${line.step}[${line.mapIndex}]`;
  return `${time(line.time)} ${line.level.padEnd(5)} ${task}#${line.attempt} ${line.message}`;
}
