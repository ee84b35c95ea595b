import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePipeline } from '../pipeline/define-pipeline.js';
import { startRun } from './start-run.js';

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-fan-out-');
});
afterAll(() => test?.cleanup());

describe('a wide fan-out driven by one engine', () => {
  it('runs 40 items at once, and cancels them, without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      let started = 0;
      const wide = definePipeline('wide', { concurrency: 40 })
        .step('items', {}, () => Array.from({ length: 40 }, (_, i) => i))
        .map('hold', { over: 'items', concurrency: 40 }, async (ctx, item) => {
          started++;
          // Every item waits for the cancel: all 40 are in flight at once.
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
          return item;
        });
      const controller = new AbortController();
      const handle = await startRun(test.workspace, wide, { signal: controller.signal });
      for (let i = 0; i < 3_000 && started < 40; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(started).toBe(40);
      controller.abort();
      const summary = await handle.done;
      expect(summary.status).toBe('cancelled');
      expect(summary.tasks.filter((task) => task.mapIndex !== undefined).every((task) => task.status === 'cancelled')).toBe(true);
      // Warnings are emitted on the next tick: let them arrive before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 60_000);
});
