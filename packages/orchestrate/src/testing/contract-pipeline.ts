import { z } from 'zod';
import { definePipeline } from '../pipeline/define-pipeline.js';

const untilAborted = (signal: AbortSignal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted')));

/**
 * The pipeline the executor contract suite runs, loaded by file so an executor in another process
 * (a child, a queue worker) loads the same code. `scenario` picks what goes wrong.
 */
export default definePipeline('executor-contract', {
  params: z.object({ scenario: z.enum(['ok', 'fail', 'timeout', 'wait']).default('ok') }),
})
  .step('numbers', {}, (ctx) => {
    ctx.logger.info(`scenario ${ctx.params.scenario}`);
    return [1, 2, 3, 4, 5];
  })
  .map('double', { over: 'numbers', concurrency: 2 }, (ctx, item) => {
    ctx.logger.info(`doubling item ${ctx.mapIndex}`);
    return item * 2;
  })
  .step('sum', { needs: ['double'] }, (_ctx, { double }) => double.reduce((a, b) => a + b, 0))
  .step('big', {}, () => 'b'.repeat(300 * 1024))
  .step('flaky', { retries: 1, backoff: { baseDelayMs: 1, maxDelayMs: 1 } }, (ctx) => {
    if (ctx.attempt === 1) throw new Error('flaky attempt 1');
    return ctx.attempt;
  })
  .step('fails', {}, (ctx) => {
    if (ctx.params.scenario === 'fail') throw new Error('contract failure');
    return 'fine';
  })
  // The timeout counts from dispatch, so it must cover starting a process or a pod on a loaded machine
  // (a Job's step ran past 5 s before its code began), and still end an attempt that never returns.
  .step('slow', { timeoutMs: 20_000 }, (ctx) => (ctx.params.scenario === 'timeout' ? untilAborted(ctx.signal) : 'quick'))
  .step('wait', {}, (ctx) => (ctx.params.scenario === 'wait' ? untilAborted(ctx.signal) : 'no wait'))
  .step('report', { needs: ['sum', 'big', 'flaky'] }, (_ctx, { sum, big, flaky }) => ({ sum, big: big.length, flaky }));
