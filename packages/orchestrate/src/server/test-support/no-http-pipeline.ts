import { definePipeline } from '../../pipeline/define-pipeline.js';

/** A recorded pipeline without an HTTP trigger: the server refuses to start it over HTTP. */
export default definePipeline('not-on-http').step('noop', {}, () => 'ok');
