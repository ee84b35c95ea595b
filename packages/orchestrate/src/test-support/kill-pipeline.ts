import { definePipeline } from '../pipeline/define-pipeline.js';

// Used by the kill test: its first attempt of 'hang' never ends (its process is SIGKILLed meanwhile),
// the retry in the recovering process finishes.
export default definePipeline('kill-me')
  .step('before', {}, () => 'ready')
  .step('hang', { needs: ['before'], retries: 1, backoff: { baseDelayMs: 1, maxDelayMs: 1 } }, async (ctx, { before }) => {
    if (ctx.attempt === 1) await new Promise(() => setInterval(() => undefined, 60_000));
    return `${before}, attempt ${ctx.attempt}, pid ${process.pid}`;
  })
  .step('after', { needs: ['hang'] }, (_ctx, { hang }) => `after ${hang}`);
