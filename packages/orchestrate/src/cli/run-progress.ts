import type { CliContext } from '@mlp/cli';
import type { Workspace } from '@mlp/core';
import type { RunHandle, RunSummary, TaskSummary } from '../run/run-types.js';
import { loadRunSummary } from '../store/run-summary.js';
import { stepDepths, taskGraphLines, taskStateLine } from './human-format.js';

/** How often the run is looked at while it goes: the live graph on a terminal, state lines in a pipe. */
const terminalRefreshMs = 250;
const pipeRefreshMs = 500;

/**
 * Follows a run until it ends and returns its summary. On a terminal: the task graph with live states
 * (indented by depth, elapsed times), redrawn in place. In a pipe: one line per state change of a step,
 * and of a map item that fails or retries. Under `--json`: nothing (the caller prints the final JSON).
 */
export async function followRun(
  context: CliContext,
  workspace: Workspace,
  handle: RunHandle,
  steps: ReadonlyArray<{ name: string; needs: readonly string[] }> = [],
): Promise<RunSummary> {
  if (context.options.json) return handle.done;
  let finished = false;
  const done = handle.done.finally(() => {
    finished = true;
  });
  const terminal = context.display.stream.isTTY === true;
  const depths = stepDepths(steps);
  const seen = new Map<string, string>();
  const announce = (summary: RunSummary) => {
    for (const task of summary.tasks) {
      const state = `${task.status}#${task.attempts}`;
      if (seen.get(task.taskId) === state) continue;
      const first = !seen.has(task.taskId);
      seen.set(task.taskId, state);
      if (first && task.status === 'pending') continue;
      if (task.mapIndex !== undefined && !shownItemStatus(task)) continue;
      context.display.line(taskStateLine(task, Date.now()));
    }
  };
  try {
    while (!finished) {
      const summary = await loadRunSummary(workspace, handle.runId);
      if (terminal) context.display.status(taskGraphLines(summary, { depths, now: Date.now() }));
      else announce(summary);
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, terminal ? terminalRefreshMs : pipeRefreshMs))]);
    }
    const summary = await done;
    if (!terminal) announce(summary);
    return summary;
  } finally {
    context.display.clear();
  }
}

/** Of a map's items, the pipe shows only failures and retries: a thousand-item fan-out stays readable. */
const shownItemStatus = (task: TaskSummary) => task.status === 'failed' || task.status === 'up_for_retry';
