import { existsSync } from 'node:fs';
import { z } from 'zod';
import { definePipeline } from '../pipeline/define-pipeline.js';

// The pipeline the CLI tests run: 'check' fails while the file named by `brokenFile` exists.
export default definePipeline('cli-demo', { params: z.object({ n: z.number().int().min(1), brokenFile: z.string().default('') }) })
  .step('numbers', {}, (ctx) => {
    ctx.logger.info(`making ${ctx.params.n} numbers`);
    return Array.from({ length: ctx.params.n }, (_, i) => i + 1);
  })
  .map('square', { over: 'numbers' }, (_ctx, n) => n * n)
  .step('check', { needs: ['square'] }, (ctx, { square }) => {
    if (ctx.params.brokenFile && existsSync(ctx.params.brokenFile)) throw new Error(`broken: ${ctx.params.brokenFile} exists`);
    return square.reduce((a, b) => a + b, 0);
  });
