import type { Workspace } from '@mlp/core';
import { findRememberedPipeline, loadPipeline } from '../../load/load-pipeline.js';
import { type ExecuteTaskOptions, executeTaskAttempt, type RunMemo } from '../../run/execute-task-attempt.js';

const MEMO_RUNS = 4;

import type { ExecutorPlugin, TaskAssignment, TaskExecutor, TaskOutcome } from '../executor.js';
import { runInChildProcess } from './child-process.js';

export interface LocalExecutorOptions {
  /** How long a child process gets after SIGTERM before SIGKILL (timeout, cancel). */
  killGraceMs?: number;
}

/**
 * The default executor: an attempt runs in this process, or in a child process of its own when its
 * step asks (`process: 'child'`), which a timeout or cancel can kill. Parallelism is the engine's
 * (the run's concurrency, up to the cores by default).
 */
export function createLocalExecutor(workspace: Workspace, options: LocalExecutorOptions = {}): TaskExecutor {
  const children = new Set<Promise<unknown>>();
  // The outputs of the last few runs' in-process tasks, so a step reads its inputs without a round trip.
  const memos = new Map<string, RunMemo>();
  const memoOf = (runId: string): RunMemo => {
    let memo = memos.get(runId);
    if (!memo) {
      memo = { outputs: new Map() };
      memos.set(runId, memo);
      if (memos.size > MEMO_RUNS) memos.delete(memos.keys().next().value!);
    }
    return memo;
  };
  return {
    name: 'local',
    async execute(task: TaskAssignment, signal: AbortSignal): Promise<TaskOutcome> {
      const remembered = findRememberedPipeline(task.pipeline);
      const step = remembered?.steps.find((candidate) => candidate.name === task.step);
      if (step?.process === 'child' || (!remembered && task.pipeline.modulePath !== '' && (await stepWantsChild(workspace, task)))) {
        const child = runInChildProcess(workspace, task, signal, options.killGraceMs ?? 2_000);
        children.add(child);
        return child.finally(() => children.delete(child));
      }
      const executeOptions: ExecuteTaskOptions = { ...(remembered ? { pipeline: remembered } : {}), memo: memoOf(task.runId) };
      return executeTaskAttempt(workspace, task, signal, executeOptions);
    },
    async close() {
      memos.clear();
      await Promise.allSettled([...children]);
    },
  };
}

async function stepWantsChild(workspace: Workspace, task: TaskAssignment): Promise<boolean> {
  const { pipeline } = await loadPipeline(task.pipeline.modulePath, workspace.config.dir, task.pipeline.sourceHash);
  return pipeline.steps.find((step) => step.name === task.step)?.process === 'child';
}

export const localExecutorPlugin: ExecutorPlugin = {
  name: 'local',
  async open(workspace) {
    return createLocalExecutor(workspace);
  },
};
