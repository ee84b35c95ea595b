import { definePipeline } from '../../pipeline/define-pipeline.js';

/** A pipeline for the two-scheduler test: a tick every second, one no-op step. */
export default definePipeline('every-second', { schedule: { cron: '* * * * * *' } }).step('tick', {}, (context) => ({
  runId: context.runId,
}));
