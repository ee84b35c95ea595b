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

/** Each step's depth in the graph: 0 for a step that needs nothing, else one more than its deepest need. */
export function stepDepths(steps: ReadonlyArray<{ name: string; needs: readonly string[] }>): Map<string, number> {
  const depths = new Map<string, number>();
  // Steps come in definition order, so a step's needs come before it.
  for (const step of steps) depths.set(step.name, Math.max(-1, ...step.needs.map((need) => depths.get(need) ?? 0)) + 1);
  return depths;
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/**
 * The task graph with live states: a header with counts, then one line per step indented by its depth
 * (`depths`), a map step with its items counted, a running step with its time so far (`now`).
 */
export function taskGraphLines(summary: RunSummary, options: { depths?: ReadonlyMap<string, number>; now?: number } = {}): string[] {
  const items = new Map<string, TaskSummary[]>();
  for (const task of summary.tasks) if (task.mapIndex !== undefined) items.set(task.name, [...(items.get(task.name) ?? []), task]);
  const parents = summary.tasks.filter((task) => task.mapIndex === undefined);
  const ended = parents.filter((task) => !['pending', 'running', 'up_for_retry'].includes(task.status)).length;
  const elapsed =
    options.now !== undefined && summary.startedAt !== undefined
      ? `, ${seconds((summary.endedAt ?? options.now) - summary.startedAt)}`
      : '';
  const lines = [`${summary.pipeline} ${summary.runId} ${summary.status} (${ended}/${parents.length} steps done${elapsed})`];
  for (const task of parents) {
    const children = items.get(task.name);
    const count = children
      ? ` ${children.filter((c) => c.status === 'succeeded').length}/${children.length} items` +
        (children.some((c) => c.status === 'running') ? `, ${children.filter((c) => c.status === 'running').length} running` : '')
      : '';
    const attempts = task.attempts > 1 ? ` (attempt ${task.attempts})` : '';
    const extra = task.cached ? ' (cached)' : '';
    const running =
      task.status === 'running' && options.now !== undefined && task.startedAt !== undefined ? seconds(options.now - task.startedAt) : '';
    const indent = '  '.repeat((options.depths?.get(task.name) ?? 0) + 1);
    lines.push(
      `${indent}${marks[task.status]} ${task.name} ${task.status}${count}${attempts}${extra} ${duration(task) || running}`.trimEnd(),
    );
  }
  return lines;
}

/** One state change of a task, as a line in a pipe: `12:00:01 ✓ train succeeded (attempt 2) 1200 ms`. */
export function taskStateLine(task: TaskSummary, now: number): string {
  const name = task.mapIndex === undefined ? task.name : `${task.name}[${task.mapIndex}]`;
  const attempts = task.attempts > 1 ? ` (attempt ${task.attempts})` : '';
  const error = task.error && (task.status === 'failed' || task.status === 'up_for_retry') ? `: ${task.error.message}` : '';
  const clock = new Date(now).toISOString().slice(11, 19);
  return (
    `${clock} ${marks[task.status]} ${name} ${task.status}${task.cached ? ' (cached)' : ''}${attempts} ${duration(task)}`.trimEnd() + error
  );
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
