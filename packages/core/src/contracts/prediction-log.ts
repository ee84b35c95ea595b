/** One tensor as the Open Inference Protocol sends it: flat row-major data with its shape. */
export interface LoggedTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

/**
 * One request a model server answered, as the prediction log keeps it. Written by `@mlp/deploy`'s
 * model server (sampled, in batches), read by `@mlp/monitor` for drift and quality, so neither
 * imports the other.
 */
export interface PredictionLogEntry {
  /** When the answer was sent, epoch milliseconds. */
  at: number;
  /** The served model's name (the deployment's model name on a deployment's servers). */
  model: string;
  /** The model version that answered (`3`, or `unversioned` for a file served as it is). */
  modelVersion: string;
  /** The deployment whose server answered, when it runs under one. */
  deployment?: string;
  /** The request id (`x-request-id`, or the OIP request's `id`). */
  requestId: string;
  /**
   * `records`: MLflow's scoring protocol (`/invocations`), inputs are raw records and outputs the
   * predictions; `tensors`: OIP v2 `infer`, inputs and outputs are tensors.
   */
  kind: 'records' | 'tensors';
  inputs: Record<string, unknown>[] | LoggedTensor[];
  outputs: unknown[] | LoggedTensor[];
  /** Time from the request's arrival to its answer, milliseconds. */
  latencyMs: number;
}

export interface PredictionLogQuery {
  model: string;
  /** Entries with `at` ≥ from (epoch ms). */
  from: number;
  /** Entries with `at` < to (epoch ms). */
  to: number;
  /** Only this model version's entries. */
  modelVersion?: string;
  signal?: AbortSignal;
}

/**
 * Reads the prediction log by model and time window. Provided by `@mlp/deploy`
 * (`createPredictionLogReader(workspace)`), consumed by `@mlp/monitor`. Entries come in batch
 * order, which is time order within one server; entries of several servers interleave.
 */
export interface PredictionLogReader {
  read(query: PredictionLogQuery): AsyncIterable<PredictionLogEntry>;
}
