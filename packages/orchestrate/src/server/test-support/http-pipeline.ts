import { z } from 'zod';
import { definePipeline } from '../../pipeline/define-pipeline.js';

/** A pipeline the HTTP trigger tests start over `mlp server`: a typed param, one step. */
export default definePipeline('on-http', {
  params: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  triggers: [{ on: 'http' }],
}).step('report', {}, (ctx) => ({ day: ctx.params.day }));
