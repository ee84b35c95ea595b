import type { DatasetBrowser } from './dataset-browser.js';
import type { DatasetLineage } from './dataset-lineage.js';
import type { DatasetResolver } from './dataset-resolver.js';
import type { DatasetVersionWriter } from './dataset-writer.js';
import type { DeploymentControl } from './deployment-control.js';
import type { JobQueue } from './job-queue.js';
import type { ModelDownloader } from './model-downloader.js';
import type { MonitorAlertReader } from './monitor-alerts.js';
import type { MonitorScheduling } from './monitor-scheduling.js';
import type { OnlineFeatureReader } from './online-features.js';
import type { PredictionLogReader } from './prediction-log.js';
import type { StepTracking } from './step-tracking.js';
import type { ValidationResultsReader } from './validation-results.js';

/** What `mlp` commands get of the dataset catalog: versions as local files, and lineage to record uses in. */
export interface DatasetCatalogService extends DatasetResolver {
  readonly lineage: DatasetLineage;
}

/**
 * The objects one package's CLI module offers another's commands, by name: the provider declares a
 * factory under the name (`CliCommandModule.services`), a consumer asks `context.service(name)` and
 * gets this type, checked on both sides; an unknown name is a type error. The services two packages
 * share are declared here, with their contracts; a package adds one of its own by declaration
 * merging: `declare module '@mlp/core' { interface CliServices { deployTargets: DeployTargets } }`.
 */
export interface CliServices {
  /** `@mlp/data-version`'s catalog, for `mlp train` (spec data named `flights@3`). */
  datasetCatalog: DatasetCatalogService;
  /** `@mlp/data-version`'s catalog writing versions, for `mlp features training-set --dataset NAME`. */
  datasetWriter: DatasetVersionWriter;
  /** `@mlp/registry`, for `mlp predict models:/…`. */
  modelRegistry: ModelDownloader;
  /** `@mlp/orchestrate`'s job queue, for `mlp train --trials-on queue`. */
  jobQueue: JobQueue;
  /** `@mlp/tracking`'s runs for pipeline steps, for `mlp pipeline run` and `mlp worker` (`ctx.run`). */
  stepTracking: StepTracking;
  /** `@mlp/deploy`'s prediction log on the workspace, for `@mlp/monitor` (drift of served traffic). */
  predictionLog: PredictionLogReader;
  /** `@mlp/features`' online store, for `@mlp/deploy`'s model server (request enrichment). */
  onlineFeatures: OnlineFeatureReader;
  /** `@mlp/data-version`'s catalog, read by `mlp server`'s web UI (datasets, versions, lineage). */
  datasetBrowser: DatasetBrowser;
  /** `@mlp/validate`'s stored results and HTML reports, for `mlp server`'s web UI. */
  validationResults: ValidationResultsReader;
  /** `@mlp/monitor`'s alerts, for `mlp server`'s web UI. */
  monitorAlerts: MonitorAlertReader;
  /** `@mlp/monitor`'s scheduled monitors and drift gauges, for `mlp server`. */
  monitorScheduling: MonitorScheduling;
  /** `@mlp/deploy`'s deployments (read, roll back), for `mlp server`'s web UI. */
  deployments: DeploymentControl;
}

export type CliServiceName = keyof CliServices;
