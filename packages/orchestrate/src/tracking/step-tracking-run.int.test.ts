import type { StepTracking, StepTrackingStart, StepTrackingStatus, Workspace } from '@mlp/core';
import { openTestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { definePipeline } from '../pipeline/define-pipeline.js';
import { startRun } from '../run/start-run.js';
import { readRunLogs } from '../store/log-store.js';

// The provider is @mlp/tracking's in the CLI (tested there and end to end by the example pipeline);
// here a recording one shows what the engine asks of any provider, and when.
interface Recorded extends StepTrackingStart {
  runId: string;
  logged: Record<string, number>[];
  ended: StepTrackingStatus[];
}

function recordingProvider(): StepTracking & { runs: Recorded[] } {
  const runs: Recorded[] = [];
  return {
    name: 'recording',
    runs,
    async start(input) {
      const recorded: Recorded = { ...input, runId: `tracking-${runs.length + 1}`, logged: [], ended: [] };
      runs.push(recorded);
      return {
        run: {
          runId: recorded.runId,
          experimentId: '1',
          logParams: () => undefined,
          logMetrics: (metrics) => {
            recorded.logged.push(metrics);
            return undefined;
          },
          setTags: () => undefined,
          logArtifact: async () => undefined,
        },
        async end(status) {
          recorded.ended.push(status);
        },
      };
    },
  };
}

let workspace: Workspace;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ workspace, cleanup } = await openTestWorkspace('postgres', 'mlp-orchestrate-tracking-'));
});
afterAll(async () => cleanup?.());

it('gives a step that asks for one a tracking run named after the pipeline and step, ended with the outcome', async () => {
  const provider = recordingProvider();
  workspace.plugins.register('stepTracking', provider);
  const pipeline = definePipeline('tracked', {})
    .step('plain', {}, (ctx) => ctx.run === undefined)
    .step('fit', { tracking: true, needs: ['plain'] }, async (ctx, { plain }) => {
      await ctx.run.logMetrics({ auc: 0.8 }); // typed: `run` is there with tracking: true
      return { plain, trackingRun: ctx.run.runId };
    })
    .step('list', {}, () => [1, 2])
    .map('score', { over: 'list', tracking: true }, (ctx, item) => {
      if (item === 2) throw new Error('item 2 is bad');
      return ctx.run.runId;
    });
  const handle = await startRun(workspace, pipeline, {});
  const summary = await handle.done;
  expect(summary.status).toBe('failed');
  expect(summary.tasks.find((task) => task.name === 'fit')?.status).toBe('succeeded');
  expect(
    provider.runs.map(({ experiment, name, ended }) => ({ experiment, name, ended })).sort((a, b) => a.name.localeCompare(b.name)),
  ).toEqual([
    { experiment: 'tracked', name: 'fit', ended: ['FINISHED'] },
    { experiment: 'tracked', name: 'score[0]', ended: ['FINISHED'] },
    { experiment: 'tracked', name: 'score[1]', ended: ['FAILED'] },
  ]);
  const fit = provider.runs.find((run) => run.name === 'fit');
  expect(fit?.logged).toEqual([{ auc: 0.8 }]);
  expect(fit?.tags).toEqual({
    'mlp.pipeline.name': 'tracked',
    'mlp.pipeline.run_id': handle.runId,
    'mlp.pipeline.task_id': summary.tasks.find((task) => task.name === 'fit')?.taskId,
    'mlp.pipeline.step': 'fit',
    'mlp.pipeline.attempt': '1',
  });
  const [output] = await workspace.db.query<{ value: unknown }>(
    `select o.value from orchestrate_outputs o join orchestrate_tasks t using (task_id) where o.run_id = $1 and t.step = 'fit'`,
    [handle.runId],
  );
  expect(output?.value).toEqual({ plain: true, trackingRun: fit?.runId });
  const logs = await readRunLogs(workspace, handle.runId, { task: 'fit' });
  expect(logs.map((line) => line.message)).toContain(`tracking run ${fit?.runId}`);
});

it('fails a step that asks for a tracking run where no provider is registered, saying how to get one', async () => {
  const { workspace: bare, cleanup: cleanupBare } = await openTestWorkspace('postgres', 'mlp-orchestrate-untracked-');
  try {
    const pipeline = definePipeline('untracked-here', {}).step('fit', { tracking: true }, (ctx) => ctx.run.runId);
    const summary = await (await startRun(bare, pipeline, {})).done;
    expect(summary.status).toBe('failed');
    expect(summary.tasks[0]?.error?.code).toBe('FAILED_PRECONDITION');
    expect(summary.tasks[0]?.error?.message).toContain("workspace.plugins.register('stepTracking'");
  } finally {
    await cleanupBare();
  }
});

it('refuses a tracking option that is not a boolean before anything runs', () => {
  expect(() => definePipeline('bad-tracking', {}).step('fit', { tracking: 'yes' as unknown as boolean }, () => 1)).toThrow(
    /tracking is true or false/,
  );
});
