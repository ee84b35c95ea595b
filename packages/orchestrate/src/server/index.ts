export { openPipelineService, type PipelineService, type PipelineServiceOptions } from './open-pipeline-service.js';
export { createPipelineRoutes, type PipelineRoutesOptions } from './pipeline-routes.js';
