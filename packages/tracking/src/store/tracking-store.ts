import type { DatasetInput, Experiment, Metric, Param, Run, RunStatus, Tag, TrackingPage, ViewType } from '../model.js';

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
  searchRuns(input: SearchRunsInput): Promise<TrackingPage<Run>>;
  /** Records a sign of life for a RUNNING run. */
  heartbeat(runId: string): Promise<void>;
  close?(): Promise<void>;
}
