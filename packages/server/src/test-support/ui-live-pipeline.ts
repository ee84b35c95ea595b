import { access } from 'node:fs/promises';
import { definePipeline } from '@mlp/orchestrate';
import { z } from 'zod';

/**
 * A pipeline whose `wait` step runs until the file `gate` exists: the browser test sees it running,
 * creates the file, and sees the run page turn it to succeeded by itself.
 */
export default definePipeline('ui-live', { params: z.object({ gate: z.string() }) })
  .step('wait', {}, async (ctx) => {
    ctx.logger.info('waiting for the gate file');
    for (;;) {
      const open = await access(ctx.params.gate).then(
        () => true,
        () => false,
      );
      if (open) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    ctx.logger.info('gate opened');
  })
  .step('after', { needs: ['wait'] }, () => 'done');
