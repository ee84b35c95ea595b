import type { IncomingMessage } from 'node:http';
import type { PredictionLogEntry } from '@mlp/core';
import {
  assertCleanText,
  assertJsonDepth,
  httpProblem,
  type RawRoute,
  type RouteScope,
  readBodyText,
  routeBuilder,
  sendJson,
} from '@mlp/core/http';
import type { LoadedModel } from '@mlp/train';
import { recordsFromCsv } from './csv-records.js';
import { assertKnownColumns, badRequest, recordsFromJson, type ScoringRecord } from './scoring-input.js';

/** A model package that scores records: `loadModel(...)` of `@mlp/train`, with the name and version it serves as. */
export interface RecordsModel {
  readonly name: string;
  readonly version: string;
  readonly model: Pick<LoadedModel, 'predict' | 'signature' | 'manifest'>;
}

export interface InvocationsRouteOptions {
  /**
   * The model a request scores: `/invocations` passes no name (MLflow's server holds one model),
   * `/models/{name}/invocations` the name. Throws NOT_FOUND for an unknown name, UNAVAILABLE for a
   * model that is not ready, FAILED_PRECONDITION for one that takes tensors, not records.
   */
  model(name?: string): RecordsModel | Promise<RecordsModel>;
  /** Called after each answered request, never awaited: the prediction log's `record`. */
  onPrediction?: (entry: PredictionLogEntry) => void;
  /** The deployment the server runs under, for the log. */
  deployment?: string;
  /** The largest request body; 16 MiB by default. */
  maxBodyBytes?: number;
  /** What a bearer token must allow when the server has tokens: `read` by default (scoring changes nothing). */
  scope?: RouteScope;
  /** Merges more columns into the records before scoring (the online feature store); `columns` are the model's. */
  enrich?: (records: ScoringRecord[], columns: readonly string[]) => Promise<ScoringRecord[]>;
}

const defaultMaxBodyBytes = 16 * 1024 * 1024;

/** The body's type: JSON or CSV, UTF-8 only, as MLflow's scoring server takes (415 otherwise). */
function bodyType(req: IncomingMessage): 'json' | 'csv' {
  const header = req.headers['content-type'] ?? '';
  const [mime = '', ...parameters] = header.split(';').map((part) => part.trim());
  const unsupported = (message: string) => httpProblem('INVALID_ARGUMENT', message, { errorCode: 'BAD_REQUEST', httpStatus: 415 });
  for (const parameter of parameters) {
    const [key = '', value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    if (key !== 'charset') throw unsupported(`Unrecognized content type parameter ${JSON.stringify(key)}: send only charset=utf-8.`);
    if (value.replace(/"/g, '') !== 'utf-8') throw unsupported('The scoring server only supports UTF-8: send charset=utf-8.');
  }
  const type = mime.toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'text/csv') return 'csv';
  throw unsupported(
    `This server scores records sent as application/json or text/csv; got ${header ? JSON.stringify(header) : 'no Content-Type'}.`,
  );
}

async function readRecords(req: IncomingMessage, limit: number, columns: readonly string[]): Promise<ScoringRecord[]> {
  const type = bodyType(req);
  const text = await readBodyText(req, limit);
  if (type === 'csv') return recordsFromCsv(text);
  assertJsonDepth(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Failed to parse the request body as JSON: ${(error as Error).message}. Send a valid JSON object.`);
  }
  assertCleanText(body);
  return recordsFromJson(body, columns).records;
}

/** The model's input columns, from the package's signature (the JSON Schema of one record). */
function inputColumns(model: RecordsModel['model']): string[] {
  const properties = (model.signature.inputs as { properties?: Record<string, unknown> }).properties;
  return Object.keys(properties ?? {});
}

/**
 * MLflow's scoring protocol for mlp model packages: `POST /invocations` (and
 * `/models/{name}/invocations` on a server of several models) takes `dataframe_split`,
 * `dataframe_records`, `instances` or `inputs` JSON, or CSV, applies the package's preprocessing and
 * answers `{"predictions": [...]}`, one `{prediction, probabilities?}` per record, as
 * `loadModel(...).predict` gives them. Bad input is a 400 in MLflow's error shape, naming the field.
 * Mount under `/`.
 */
export function invocationsRoutes<S>(options: InvocationsRouteOptions): RawRoute<S>[] {
  const limit = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const route = routeBuilder<S>();
  const handle =
    (named: boolean): RawRoute<S>['handle'] =>
    async (req, res, context) => {
      const started = performance.now();
      const served = await options.model(named ? context.params.name : undefined);
      const columns = inputColumns(served.model);
      const sent = await readRecords(req, limit, columns);
      const records = options.enrich ? await options.enrich(sent, columns) : sent;
      assertKnownColumns(records, columns, [served.model.manifest.target]);
      const predictions = await served.model.predict(records);
      sendJson(res, 200, { predictions });
      if (!options.onPrediction) return;
      try {
        options.onPrediction({
          at: Date.now(),
          model: served.name,
          modelVersion: served.version,
          ...(options.deployment ? { deployment: options.deployment } : {}),
          requestId: context.requestId,
          kind: 'records',
          inputs: records,
          outputs: predictions,
          latencyMs: performance.now() - started,
        });
      } catch (error) {
        // The answer is out: a failing sink is the log's problem, never the request's.
        context.logger.warn({ err: error, reqId: context.requestId }, 'the prediction sink failed; this prediction is not logged');
      }
    };
  const scope = options.scope ?? 'read';
  return [route.raw('POST', 'invocations', scope, handle(false)), route.raw('POST', 'models/{name}/invocations', scope, handle(true))];
}
