import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { definePipeline } from '../../pipeline/define-pipeline.js';

/** A pipeline for the queue tests: `nap` sleeps on its first attempt only, so a killed first attempt is retried quickly. */
export default definePipeline('queue-fixture', { params: z.object({ napMs: z.number().default(0) }) })
  .step('nap', { retries: 2, backoff: { baseDelayMs: 10, maxDelayMs: 20 } }, async (context) => {
    if (context.attempt === 1 && context.params.napMs > 0) await sleep(context.params.napMs, undefined, { signal: context.signal });
    return { pid: process.pid, attempt: context.attempt };
  })
  .step('after', { needs: ['nap'] }, (_context, inputs) => ({ napPid: inputs.nap.pid, pid: process.pid }));
