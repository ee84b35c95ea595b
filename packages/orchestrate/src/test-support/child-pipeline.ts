import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { definePipeline } from '../pipeline/define-pipeline.js';

// Steps that run in child processes: one reports its pid, one spins (ignoring its signal) until killed.
export default definePipeline('in-children', { params: z.object({ pidFile: z.string(), spin: z.boolean().default(false) }) })
  .step('where', { process: 'child' }, () => process.pid)
  .step('double', { needs: ['where'], process: 'child' }, (_ctx, { where }) => ({ parent: where, mine: process.pid }))
  .step('spin', { process: 'child', timeoutMs: 30_000 }, (ctx) => {
    writeFileSync(ctx.params.pidFile, String(process.pid));
    if (!ctx.params.spin) return 'no spin';
    for (;;) {
      // Busy: never looks at ctx.signal, so only a kill ends it. The timeout counts the child's start (tsx, opening the workspace): generous.
    }
  });
