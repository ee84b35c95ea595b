import type { TrackingRoute } from '../../mlflow/tracking-route.js';
import { datasetRoutes } from './dataset-routes.js';
import { deploymentRoutes } from './deployment-routes.js';
import { lineageRoutes } from './lineage-routes.js';
import { modelRoutes } from './model-routes.js';
import { monitorRoutes } from './monitor-routes.js';
import { pipelineRoutes } from './pipeline-routes.js';
import type { UiSources } from './ui-sources.js';
import { validationRoutes } from './validation-routes.js';

/** The UI API routes of the sections whose packages are served (beside tracking's, in ui-routes.ts). */
export function sectionRoutes(sources: UiSources, redact: (text: string) => string): TrackingRoute[] {
  return [
    ...(sources.datasets ? datasetRoutes(sources.datasets, sources.validations) : []),
    ...(sources.validations ? validationRoutes(sources.validations) : []),
    ...(sources.registry ? modelRoutes(sources.registry) : []),
    ...(sources.registry || sources.datasets ? lineageRoutes(sources) : []),
    ...(sources.pipelines ? pipelineRoutes(redact) : []),
    ...(sources.deployments ? deploymentRoutes(sources.deployments) : []),
    ...(sources.alerts ? monitorRoutes(sources.alerts) : []),
  ];
}
