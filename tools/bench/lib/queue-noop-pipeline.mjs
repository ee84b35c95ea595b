// The pipeline of the queue benchmark: `started` returns when its step began (epoch ms); `fan` maps
// no-op steps over `n` items.
import { definePipeline } from '@mlp/orchestrate';
import { z } from 'zod';

export default definePipeline('bench-queue-noop', { params: z.object({ n: z.number().int().default(0) }), concurrency: 64 })
  .step('started', {}, () => Date.now())
  .step('items', {}, (context) => Array.from({ length: context.params.n }, (_, i) => i))
  .map('fan', { over: 'items', concurrency: 64 }, (_context, item) => item);
