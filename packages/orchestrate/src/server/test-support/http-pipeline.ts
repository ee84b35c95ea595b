import { z } from 'zod';
import { definePipeline } from '../../pipeline/define-pipeline.js';

/** A pipeline the HTTP trigger tests start over `mlp server`: a typed param, one step (which fails on day 1999-01-01, naming a server path). */
export default definePipeline('on-http', {
  params: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  triggers: [{ on: 'http' }],
}).step('report', {}, (ctx) => {
  if (ctx.params.day === '1999-01-01') throw new Error(`no data at ${ctx.workspace.config.dir}/data/1999.csv`);
  return { day: ctx.params.day };
});
