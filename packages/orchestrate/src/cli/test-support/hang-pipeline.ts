import { z } from 'zod';
import { definePipeline } from '../../pipeline/define-pipeline.js';

/** For the gone-run test: with `hang=true` its step never ends (its process is SIGKILLed meanwhile). */
export default definePipeline('hang-or-not', { params: z.object({ hang: z.boolean().default(false) }) }).step('work', {}, async (ctx) => {
  if (ctx.params.hang) await new Promise(() => setInterval(() => undefined, 60_000));
  return 'done';
});
