export { migrations as trackingMigrations } from './generated/migrations.js';
export type {
  DatasetInput,
  Experiment,
  LifecycleStage,
  LoggedModel,
  LoggedModelMetric,
  LoggedModelStatus,
  Metric,
  ModelOutput,
  Param,
  Run,
  RunStatus,
  Tag,
  TrackingPage,
  ViewType,
} from './model.js';
export { loggedModelStatuses, runStatuses, systemTags } from './model.js';
export type { ActiveRun, ArtifactOptions, EndStatus, MetricOptions, ParamValue, TagValue } from './sdk/active-run.js';
export type { ArtifactInfo } from './sdk/artifacts.js';
export type { RunComparison } from './sdk/compare-runs.js';
export { createTracking, type StartRunOptions, type Tracking, type TrackingWorkspace } from './sdk/create-tracking.js';
export type { DatasetLineage, DatasetRole, DatasetUse, PinnedDatasetVersion } from './sdk/dataset-lineage.js';
export { provenanceTags } from './sdk/provenance.js';
export { createStepTracking } from './sdk/step-tracking.js';
export { type BatchLimits, type TrackingOptions, trackingEnvVariables } from './sdk/tracking-options.js';
export type { MetricSeriesRef, MetricSummary, MetricSummaryOptions } from './store/metric-summary.js';
export { createSqlTrackingStore, openSqlTrackingStore, type SqlTrackingStoreOptions, sqlBatchLimits } from './store/sql-tracking-store.js';
// Types the SDK's signatures use (`options.store`, `searchRuns`); the store factories are exported with the store.
export type {
  CreateExperimentInput,
  CreateLoggedModelInput,
  CreateRunInput,
  LogBatchInput,
  LoggedModelOrder,
  MetricHistoryInput,
  SearchExperimentsInput,
  SearchLoggedModelsInput,
  SearchRunsInput,
  TrackingStore,
  UpdateRunInput,
} from './store/tracking-store.js';
export { assertCreateLoggedModel, assertLoggedModelName } from './validate-logged-model.js';
export {
  assertBatchSize,
  assertCreateExperiment,
  assertCreateRun,
  assertDatasetInputs,
  assertExperimentName,
  assertExperimentTag,
  assertInputTag,
  assertLogBatch,
  assertMetricInteger,
  assertMetricValue,
  assertParamValue,
  assertRunName,
  assertTagValue,
  assertText,
  assertTrackingKey,
  assertUpdateRun,
  mlflowBatchLimits,
  type TrackingKeyKind,
  textProblem,
  trackingKeyProblem,
  trackingLimits,
} from './validate-names.js';
