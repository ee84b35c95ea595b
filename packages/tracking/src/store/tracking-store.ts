import type {
  DatasetInput,
  Experiment,
  LoggedModel,
  Metric,
  ModelOutput,
  Param,
  Run,
  RunStatus,
  Tag,
  TrackingPage,
  ViewType,
} from '../model.js';
import type { MetricSeriesRef, MetricSummary, MetricSummaryOptions } from './metric-summary.js';

export interface CreateExperimentInput {
  name: string;
  /** Defaults to `mlflow-artifacts:/<experiment id>` (the workspace blob store). */
  artifactLocation?: string;
  tags?: Record<string, string>;
}

export interface SearchExperimentsInput {
  viewType?: ViewType;
  /** Substring match on names, case-insensitive. */
  nameContains?: string;
  /** MLflow's experiment filter: `name LIKE 'churn%' and tags.team = 'ml' and creation_time > 1700000000000`. */
  filter?: string;
  /** MLflow's experiment order_by: `name`, `experiment_id`, `creation_time`, `last_update_time`, ASC or DESC. Default newest first. */
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface CreateRunInput {
  experimentId: string;
  name?: string;
  startTime?: number;
  userId?: string;
  parentRunId?: string;
  tags?: Record<string, string>;
  /** Set by a logging process that heartbeats; readers fail the run when it stays silent this long. */
  heartbeatTimeoutMs?: number;
}

export interface UpdateRunInput {
  status?: RunStatus;
  endTime?: number;
  name?: string;
}

export interface LogBatchInput {
  metrics?: Metric[];
  params?: Param[];
  tags?: Tag[];
}

export interface SearchRunsInput {
  experimentIds: string[];
  /** MLflow's filter syntax: `metrics.rmse < 1 and params.model = 'mlp'`. */
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
  /** Cancels the search in the database when aborted (a server passes its request's). */
  signal?: AbortSignal;
  /** Cancels the search in the database after this long; UNAVAILABLE then. */
  statementTimeoutMs?: number;
  /** Ask for `totalCount` (how many runs match in all pages); stores that cannot tell leave it out. */
  withTotal?: boolean;
}

/** How much one `logBatch` call may carry. */
export interface BatchLimits {
  metrics: number;
  params: number;
  tags: number;
  total: number;
}

export interface MetricHistoryInput {
  maxResults?: number;
  pageToken?: string;
}

export interface CreateLoggedModelInput {
  experimentId: string;
  /** `model-<8 hex digits>` when absent. */
  name?: string;
  /** Such as `Agent` or `Classifier`. */
  modelType?: string;
  sourceRunId?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

/** Orders a logged-model search by an attribute, or by a metric (`metrics.<key>`, its latest point). */
export interface LoggedModelOrder {
  /** `name`, `model_id`, `creation_timestamp` (alias `creation_time`), `last_updated_timestamp`, `status`, `model_type`, `source_run_id`, or `metrics.<key>`. */
  fieldName: string;
  ascending?: boolean;
  /** Only for a metric: consider points measured on this dataset only. */
  datasetName?: string;
  datasetDigest?: string;
}

export interface SearchLoggedModelsInput {
  experimentIds: string[];
  /** MLflow's logged-model filter: `name = 'm' and params.lr = '0.1' and metrics.acc > 0.9 and tags.team IN ('a', 'b')`. */
  filter?: string;
  /** Metric conditions count only points measured on one of these datasets. */
  datasets?: { datasetName: string; datasetDigest?: string }[];
  /** Default 50, as MLflow's. */
  maxResults?: number;
  /** Default newest first. */
  orderBy?: LoggedModelOrder[];
  pageToken?: string;
}

/**
 * Where tracking data lives. Every implementation (the SQL store on the workspace database, the
 * MLflow REST client) runs the same contract suite. Errors are MlpErrors: NOT_FOUND for unknown
 * ids, INVALID_ARGUMENT for bad input, ALREADY_EXISTS for a taken experiment name.
 */
export interface TrackingStore {
  readonly kind: string;
  /** The largest batch `logBatch` accepts; larger ones are INVALID_ARGUMENT. */
  readonly batchLimits: BatchLimits;

  createExperiment(input: CreateExperimentInput): Promise<Experiment>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** Undefined when no experiment has the name. */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchExperiments(input?: SearchExperimentsInput): Promise<TrackingPage<Experiment>>;
  /** FAILED_PRECONDITION for a deleted experiment. */
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  /** Deletes its runs too; NOT_FOUND when it is deleted already. */
  deleteExperiment(experimentId: string): Promise<void>;
  /** Restores its runs too; NOT_FOUND when it is active. */
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  /** NOT_FOUND when the experiment has no such tag; FAILED_PRECONDITION when the experiment is deleted. */
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, input: UpdateRunInput): Promise<Run>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /** Applied whole or not at all. Params are write-once: a different value for a logged key is INVALID_ARGUMENT. */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  logInputs(runId: string, datasets: DatasetInput[]): Promise<void>;
  getMetricHistory(runId: string, key: string, input?: MetricHistoryInput): Promise<TrackingPage<Metric>>;
  /**
   * Histories reduced for charts `options.buckets` pixels wide, in the order asked (see MetricSummary):
   * extremes, first and last points survive exactly. NOT_FOUND for an unknown run; a key the run never
   * logged has no points.
   */
  summarizeMetricHistories(series: readonly MetricSeriesRef[], options: MetricSummaryOptions): Promise<MetricSummary[]>;
  searchRuns(input: SearchRunsInput): Promise<TrackingPage<Run>>;
  /** Records the logged models a run produced; NOT_FOUND for an unknown run or model, FAILED_PRECONDITION for a deleted run. */
  logOutputs(runId: string, outputs: ModelOutput[]): Promise<void>;

  /** A PENDING logged model; NOT_FOUND for an unknown experiment, FAILED_PRECONDITION for a deleted one. */
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  /** NOT_FOUND for an unknown or deleted model. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  /** Ends the upload: READY or FAILED. */
  finalizeLoggedModel(modelId: string, status: 'READY' | 'FAILED'): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<void>;
  /** NOT_FOUND when the model has no such tag. */
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  /** Params are write-once: a different value for a logged key is INVALID_ARGUMENT. */
  logLoggedModelParams(modelId: string, params: Param[]): Promise<void>;
  searchLoggedModels(input: SearchLoggedModelsInput): Promise<TrackingPage<LoggedModel>>;

  /** Records a sign of life for a RUNNING run. */
  heartbeat(runId: string): Promise<void>;
  close?(): Promise<void>;
}
