export { type BatchRequest, mlflowRequestLimits, splitLogBatch } from './log-batch-requests.js';
export {
  loggedModelJson,
  loggedModelMetricJson,
  loggedModelStatusJson,
  loggedModelStatusOf,
  parseLoggedModel,
} from './logged-model-wire.js';
export { mlflowResponseError, mlpCodeForMlflow } from './mlflow-error-codes.js';
export type { MlflowHttpOptions } from './mlflow-http-client.js';
export {
  type CreateModelVersionInput,
  createMlflowRegistryClient,
  type MlflowRegistryClient,
  type ModelVersionInfo,
  type RegisteredModelInfo,
  type RegistrySearch,
} from './mlflow-registry-client.js';
export { createMlflowTrackingStore, type MlflowTrackingStoreOptions } from './mlflow-tracking-store.js';
export { datasetContextTag, datasetInputJson, doubleJson, metricJson } from './mlflow-wire.js';
