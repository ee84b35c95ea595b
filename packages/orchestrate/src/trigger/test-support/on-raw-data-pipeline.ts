import { definePipeline } from '../../pipeline/define-pipeline.js';

/** A pipeline for the trigger test: started by a new version of the dataset `flights-raw`. */
export default definePipeline('on-raw-data', { triggers: [{ on: 'dataset.version', dataset: 'flights-raw' }] }).step(
  'react',
  {},
  (context) => ({
    runId: context.runId,
  }),
);
