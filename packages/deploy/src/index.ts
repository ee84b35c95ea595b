export { type AnalysisCondition, parseAnalysisConditions } from './analysis/analysis-condition.js';
export type { AnalysisResult, ConditionResult } from './analysis/window-measures.js';
export {
  type DeploymentController,
  type DeploymentControllerOptions,
  defaultServeCommand,
  type ServeCommand,
  startDeploymentController,
} from './controller/deployment-controller.js';
export type { RollbackWebhookOptions } from './controller/rollback-webhooks.js';
export { rolloutWeights } from './controller/rollout-plan.js';
export { createDeploymentControl } from './deployment/deployment-control.js';
export {
  type AddedDeployment,
  addDeployment,
  deleteDeployment,
  pauseDeployment,
  resumeDeployment,
  rollbackDeployment,
} from './deployment/deployment-operations.js';
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
  type DeploymentRecord,
  type DeploymentStatus,
  deploymentHistory,
  ensureDeployTables,
  findDeployment,
  getDeployment,
  type HistoryEntry,
  listDeployments,
  type RevisionRecord,
  type RevisionStatus,
} from './deployment/deployment-store.js';
export {
  createFeatureEnrichment,
  type FeatureEnrichment,
  type FeatureEnrichmentSpec,
  type FeatureEnrichmentSpecInput,
  featureEnrichmentSpecSchema,
} from './enrichment/feature-enrichment.js';
export { migrations as deployMigrations } from './generated/migrations.js';
export { type ApplyKubernetesOptions, applyKubernetesDeployment } from './kubernetes/apply-kubernetes-deployment.js';
export {
  type KubernetesManifest,
  modelNameOf,
  type RenderOptions as KubernetesRenderOptions,
  renderKubernetesManifests,
} from './kubernetes/kubernetes-manifests.js';
export {
  createKubernetesTarget,
  type KubernetesDeploymentTarget,
  type KubernetesRolloutResult,
  type KubernetesTargetOptions,
  type RolloutCallOptions as KubernetesRolloutCallOptions,
} from './kubernetes/kubernetes-target.js';
export type { WorkloadStatus as KubernetesWorkloadStatus } from './kubernetes/workload-status.js';
export { type LocalDeployment, type LocalDeploymentOptions, startLocalDeployment } from './local/local-deployment.js';
export type { Backend, RouteGroup, RouteTable } from './local/route-table.js';
export { startTrafficRouter, type TrafficRouter, type TrafficRouterOptions } from './local/traffic-router.js';
export {
  createPredictionLog,
  type PredictionLog,
  type PredictionLogOptions,
  type PredictionLogStats,
} from './prediction-log/prediction-log.js';
export { createPredictionLogReader, type PredictionLogReaderOptions } from './prediction-log/prediction-log-reader.js';
export { type PrunePredictionLogOptions, type PruneResult, prunePredictionLog } from './prediction-log/prune-prediction-log.js';
export { type InvocationsRouteOptions, invocationsRoutes, type RecordsModel } from './records/invocations-route.js';
export { createPackageRecordsModels, type PackageRecordsModels, type ServedPackage } from './records/package-records-models.js';
export type { BatcherOptions } from './server/dynamic-batcher.js';
export type { RepositoryEntry } from './server/model-repository.js';
export type { ModelSource, ModelSourceSpec } from './server/model-source.js';
export type { ModelServerServices } from './server/oip-routes.js';
export type { PredictionSink } from './server/prediction-entry.js';
export type { CrashRestartOptions, ModelServingOptions, ModelState } from './server/served-model.js';
export type { ServerMetrics } from './server/server-metrics.js';
export { type ModelEntry, type ModelServer, type ModelServerOptions, startModelServer } from './server/start-model-server.js';
