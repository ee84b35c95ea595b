import { definePipeline } from '@mlp/orchestrate';

/** The pipeline the web UI's browser test runs: a module file, so its graph is recorded for the run page. */
export default definePipeline('ui-demo', {})
  .step('prepare', {}, (ctx) => {
    ctx.logger.info('prepared 60 rows');
    return 60;
  })
  .step('train', { needs: ['prepare'] }, (ctx, { prepare }) => {
    ctx.logger.info(`trained on ${prepare} rows`);
    return prepare;
  })
  .step('report', { needs: ['prepare', 'train'] }, () => 'done');
