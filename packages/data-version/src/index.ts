export type { CatalogDataRepo } from './catalog/catalog-data-repo.js';
export {
  type AddVersionInput,
  type ColumnSummary,
  type Dataset,
  type DatasetSource,
  type DatasetSummary,
  type DatasetVersion,
  type DatasetVersionCreatedEvent,
  datasetEvents,
  type TabularFormat,
  type TabularSchema,
} from './catalog/catalog-model.js';
export type { RegisterDatasetVersionInput, RegisteredVersion } from './catalog/catalog-store.js';
export {
  type CatalogWorkspace,
  createDatasetCatalog,
  type DatasetCatalog,
  type DatasetCatalogOptions,
  openDatasetCatalog,
} from './catalog/dataset-catalog.js';
export { type DatasetRef, parseDatasetRef, type VersionSelector } from './catalog/dataset-ref.js';
export type { ResolvedVersion, ResolveOptions } from './catalog/resolve-version.js';
export type { AddedEntry } from './dvc/add-paths.js';
export type { CheckoutFailure, CheckoutReport } from './dvc/checkout.js';
export type { DataLayout } from './dvc/data-layout.js';
export { type DataRemotes, type DataRepo, type DataRepoOptions, openDataRepo } from './dvc/data-repo.js';
export { type DirManifestEntry, manifestId, parseManifest, serializeManifest } from './dvc/dir-manifest.js';
export { findProjectRoot } from './dvc/find-project-root.js';
export type { GcOptions, GcReport } from './dvc/gc.js';
export type { LinkType } from './dvc/materialize.js';
export { objectKey } from './dvc/object-cache.js';
export type { ProgressListener, TransferProgress } from './dvc/progress.js';
export type { AddRemoteOptions, RemoteInfo } from './dvc/remote-config.js';
export type { StatusEntry, StatusKind, StatusReport } from './dvc/status.js';
export type { TransferFailure, TransferOptions, TransferReport } from './dvc/transfer.js';
export { migrations as dataVersionMigrations } from './generated/migrations.js';
export type { IngestFormat, IngestOptions, IngestProgress, IngestResult, IngestS3Options } from './ingest/ingest-options.js';
export type { DatasetVersionUse, LineageRecorder, LineageRole, RecordUseInput } from './lineage/lineage-recorder.js';
export { type ColumnData, type OpenTableOptions, openTable, type TableReader, type TableRecord } from './readers/open-table.js';
export { summarizeTable } from './readers/schema-summary.js';
