import { describe, expect, it } from 'vitest';
import type { RunSummary, TaskSummary } from '../run/run-types.js';
import { stepDepths, taskGraphLines, taskStateLine } from './human-format.js';

const task = (name: string, status: TaskSummary['status'], extra: Partial<TaskSummary> = {}): TaskSummary => ({
  taskId: `r:${name}${extra.mapIndex === undefined ? '' : `:${extra.mapIndex}`}`,
  name,
  mapIndex: undefined,
  status,
  attempts: status === 'pending' ? 0 : 1,
  cached: false,
  startedAt: undefined,
  endedAt: undefined,
  error: undefined,
  ...extra,
});

const summary = (tasks: TaskSummary[]): RunSummary => ({
  runId: 'r1',
  pipeline: 'flights',
  status: 'running',
  params: {},
  trigger: { kind: 'manual' },
  sourceHash: 'h',
  createdAt: 1_000,
  startedAt: 1_000,
  endedAt: undefined,
  error: undefined,
  tasks,
});

describe('the task graph on a terminal', () => {
  it('indents each step by its depth, counts map items, shows times so far and what is done', () => {
    const steps = [
      { name: 'ingest', needs: [] },
      { name: 'validate', needs: ['ingest'] },
      { name: 'trials', needs: ['validate'] },
      { name: 'report', needs: ['ingest'] },
      { name: 'register', needs: ['trials', 'report'] },
    ];
    const depths = stepDepths(steps);
    expect([...depths]).toEqual([
      ['ingest', 0],
      ['validate', 1],
      ['trials', 2],
      ['report', 1],
      ['register', 3],
    ]);
    const lines = taskGraphLines(
      summary([
        task('ingest', 'succeeded', { startedAt: 1_000, endedAt: 1_250, cached: true }),
        task('validate', 'succeeded', { startedAt: 1_250, endedAt: 1_300 }),
        task('trials', 'running', { startedAt: 1_300 }),
        task('trials', 'succeeded', { mapIndex: 0 }),
        task('trials', 'running', { mapIndex: 1 }),
        task('trials', 'up_for_retry', { mapIndex: 2, attempts: 2 }),
        task('report', 'running', { startedAt: 1_300, attempts: 2 }),
        task('register', 'pending'),
      ]),
      { depths, now: 9_800 },
    );
    expect(lines).toEqual([
      'flights r1 running (2/5 steps done, 8.8 s)',
      '  ✓ ingest succeeded (cached) 250 ms',
      '    ✓ validate succeeded 50 ms',
      '      ▶ trials running 1/3 items, 1 running 8.5 s',
      '    ▶ report running (attempt 2) 8.5 s',
      '        · register pending',
    ]);
  });

  it('draws a flat list when the graph is unknown, and says each change on one line in a pipe', () => {
    expect(taskGraphLines(summary([task('a', 'pending'), task('b', 'failed')]))).toEqual([
      'flights r1 running (1/2 steps done)',
      '  · a pending',
      '  ✗ b failed',
    ]);
    const at = Date.UTC(2026, 11, 3, 8, 0, 1);
    expect(taskStateLine(task('train', 'succeeded', { attempts: 2, startedAt: 0, endedAt: 1_200 }), at)).toBe(
      '08:00:01 ✓ train succeeded (attempt 2) 1200 ms',
    );
    expect(taskStateLine(task('trials', 'up_for_retry', { mapIndex: 3, error: { message: 'out of memory' } }), at)).toBe(
      '08:00:01 ↻ trials[3] up_for_retry: out of memory',
    );
  });
});
