export {
  type DeploymentSpec,
  type DeploymentSpecInput,
  type DeploymentStrategy,
  type DeploymentTarget,
  deploymentSpecSchema,
  deploymentStrategies,
  deploymentTargets,
} from './deployment/deployment-spec.js';
export {
  createPredictionLog,
  type PredictionLog,
  type PredictionLogOptions,
  type PredictionLogStats,
} from './prediction-log/prediction-log.js';
export { createPredictionLogReader, type PredictionLogReaderOptions } from './prediction-log/prediction-log-reader.js';
export { type InvocationsRouteOptions, invocationsRoutes, type RecordsModel } from './records/invocations-route.js';
export { createPackageRecordsModels, type PackageRecordsModels, type ServedPackage } from './records/package-records-models.js';
