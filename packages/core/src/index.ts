export { assertBlobKey, compareBlobKeys, validateBlobKey, validateBlobPrefix } from './blobs/blob-key.js';
export type { BlobBody, BlobInfo, BlobStore, GetOptions, PutOptions } from './blobs/blob-store.js';
export { createFsBlobStore, type FsBlobStoreOptions } from './blobs/fs-blob-store.js';
export { createMemoryBlobStore } from './blobs/memory-blob-store.js';
export { type OpenBlobStoreContext, openBlobStore } from './blobs/open-blob-store.js';
export type { ConfigFile, LogLevel, ResolvedConfig, S3Settings, WorkspaceSettings } from './config/config-schema.js';
export { configFileSchema, logLevels } from './config/config-schema.js';
export { coreEnvVariables } from './config/env-settings.js';
export { formatZodIssues } from './config/format-zod-error.js';
export { CONFIG_FILE_NAME, resolveConfig, STATE_DIR_NAME } from './config/resolve-config.js';
export type { CliServiceName, CliServices, DatasetCatalogService } from './contracts/cli-services.js';
export type {
  BrowsedDataset,
  BrowsedDatasetSummary,
  BrowsedDatasetUse,
  BrowsedDatasetVersion,
  DatasetBrowser,
} from './contracts/dataset-browser.js';
export { datasetJson, datasetSummaryJson, datasetUseJson, datasetVersionJson } from './contracts/dataset-json.js';
export type { DatasetLineage, DatasetRole, PinnedDatasetVersion } from './contracts/dataset-lineage.js';
export type { DatasetResolver } from './contracts/dataset-resolver.js';
export type { DatasetVersionWriter, WrittenDatasetSource } from './contracts/dataset-writer.js';
export type {
  DeploymentControl,
  DeploymentHistoryView,
  DeploymentRevisionView,
  DeploymentView,
} from './contracts/deployment-control.js';
export type { JobContext, JobFunction, JobQueue, QueuedJob, RunJobOptions } from './contracts/job-queue.js';
export type { ModelDownloader } from './contracts/model-downloader.js';
export { monitorAlertJson, monitorDriftPointJson } from './contracts/monitor-alert-json.js';
export type { MonitorAlert, MonitorAlertReader, MonitorDriftPoint } from './contracts/monitor-alerts.js';
export type { MonitorScheduling, MonitorSchedulingHandle } from './contracts/monitor-scheduling.js';
export type { OnlineFeatureReader, OnlineFeatureRequest, OnlineFeatureValue } from './contracts/online-features.js';
export type {
  LoggedTensor,
  PredictionLogEntry,
  PredictionLogQuery,
  PredictionLogReader,
} from './contracts/prediction-log.js';
export type {
  StartedStepTracking,
  StepTracking,
  StepTrackingRun,
  StepTrackingStart,
  StepTrackingStatus,
} from './contracts/step-tracking.js';
export type { ValidationResultsReader, ValidationSummary } from './contracts/validation-results.js';
export type { Database, DatabaseEngine, DatabaseOpenOptions, DbExecutor } from './db/database.js';
export { databaseDamagedError, isDatabaseDamage } from './db/database-damage.js';
export { allowEmptyDatabase, type EmbeddedDatabaseState, embeddedDatabaseState } from './db/embedded/database-marker.js';
export { embeddedEngine } from './db/embedded/embedded-engine.js';
export { applyMigrations, type Migration, type MigrationSet, pendingMigrations } from './db/migrations.js';
export { maskUrl } from './db/pool-database.js';
export { postgresEngine } from './db/postgres-engine.js';
export { type ErrorCode, errorCodes, exitCodeFor, httpStatusFor } from './errors/error-codes.js';
export { MlpError, type MlpErrorOptions, toMlpError } from './errors/mlp-error.js';
export type { EventBus, MlpEvent, PublishOptions, SubscribeOptions, Subscription } from './events/event-bus.js';
export { mlpEventConsumers, mlpEvents } from './events/events-schema.js';
export { mlpEventsChannel } from './events/pg-event-bus.js';
export { writeFileAtomic } from './fs/write-file-atomic.js';
export { migrations as coreMigrations } from './generated/migrations.js';
export * from './hashing/hash.js';
export { type CurrentActorOptions, currentActor } from './identity/current-actor.js';
export { type ConsoleLoggerOptions, createConsoleLogger, createSilentLogger, type Logger } from './logger/logger.js';
export type { RegisterPlugins } from './plugins/load-plugin-modules.js';
export {
  type BlobDriverPlugin,
  createPluginRegistry,
  type PluginRegistry,
  type PluginSlot,
  type PluginSlots,
} from './plugins/plugin-registry.js';
export { type BackoffOptions, backoffDelay, isRetryableStatus, retryAfterMs } from './retry/retry-backoff.js';
export { type CsvRecordProblem, findMalformedCsvRecord, locateMalformedCsvRecord } from './text/csv-structure.js';
export { plural } from './text/plural.js';
export { textProblem } from './text/text-problem.js';
export { deliverSignedWebhook, type SignedWebhook, type WebhookAttempt } from './webhooks/deliver-webhook.js';
export { type EventWebhook, type EventWebhookOptions, startEventWebhooks } from './webhooks/event-webhooks.js';
export { signatureHeader, signBody, verifySignature } from './webhooks/webhook-signature.js';
export {
  createWebhookTargetPolicy,
  parseWebhookUrl,
  resolveWebhookTarget,
  type TargetAddress,
  type WebhookTargetPolicy,
} from './webhooks/webhook-target.js';
export { findWorkspaceDir } from './workspace/find-workspace.js';
export { openWorkspace, type WorkspaceOptions } from './workspace/open-workspace.js';
export type { Workspace } from './workspace/workspace.js';
