import { definePipeline } from '../pipeline/define-pipeline.js';

// Used by the backoff test: the first attempt fails, and the retry waits out a backoff during which
// nothing but the engine's own timer is pending in the driving process.
export default definePipeline('backoff').step('flaky', { retries: 1, backoff: { baseDelayMs: 300, maxDelayMs: 300 } }, (ctx) => {
  if (ctx.attempt === 1) throw new Error('first attempt fails');
  return `attempt ${ctx.attempt}`;
});
