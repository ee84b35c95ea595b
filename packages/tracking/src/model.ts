/** The tracking data model, in MLflow's terms with TypeScript names. Times are epoch milliseconds. */

export const runStatuses = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof runStatuses)[number];

export type LifecycleStage = 'active' | 'deleted';
/** Which runs or experiments a listing includes, as MLflow's ViewType. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
}

export interface Metric {
  key: string;
  /** NaN and ±Infinity are allowed. */
  value: number;
  timestamp: number;
  step: number;
  /** When logging: also link the point to this logged model (MLflow 3's Metric.model_id). Not read back on run metrics. */
  modelId?: string;
  /** The dataset a model-linked point was measured on. */
  datasetName?: string;
  datasetDigest?: string;
}

export interface Param {
  key: string;
  value: string;
}

export interface Tag {
  key: string;
  value: string;
}

export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  /** MLflow's `mlflow.data.context` tag: `training`, `evaluation`, ... */
  context?: string;
}

export interface Run {
  runId: string;
  name: string;
  experimentId: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
  parentRunId: string | null;
  params: Record<string, string>;
  /** The latest point of each metric key. */
  metrics: Record<string, Metric>;
  tags: Record<string, string>;
  inputs: DatasetInput[];
  /** Logged models the run produced; absent from stores that predate logged models. */
  outputs?: ModelOutput[];
}

/** What a run produced (MLflow's runs/outputs): a logged model, at a training step. */
export interface ModelOutput {
  modelId: string;
  step: number;
}

/** A logged model's upload state: PENDING until its artifacts are all uploaded, then READY or FAILED. */
export const loggedModelStatuses = ['PENDING', 'READY', 'FAILED'] as const;
export type LoggedModelStatus = (typeof loggedModelStatuses)[number];

/** A metric point linked to a logged model, with the run that logged it and the dataset it was measured on. */
export interface LoggedModelMetric extends Metric {
  runId: string;
}

/** MLflow 3's LoggedModel: a model with its own id and artifact location, apart from any run. */
export interface LoggedModel {
  /** `m-` and 32 hex digits. */
  modelId: string;
  experimentId: string;
  name: string;
  /** `<experiment artifact location>/models/<model id>/artifacts`. */
  artifactLocation: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  status: LoggedModelStatus;
  modelType: string | null;
  sourceRunId: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: LoggedModelMetric[];
}

export interface TrackingPage<T> {
  items: T[];
  /** Present when more results follow; pass it back as `pageToken`. */
  nextPageToken?: string;
  /** How many results match in all pages, when asked for and the store can tell. */
  totalCount?: number;
}

/** System tags mlp writes (MLflow's own `mlflow.*` tags are kept where MLflow clients read them). */
export const systemTags = {
  runName: 'mlflow.runName',
  parentRunId: 'mlflow.parentRunId',
  user: 'mlflow.user',
  failureReason: 'mlp.failure_reason',
} as const;
