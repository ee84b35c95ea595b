import { httpProblem } from '@mlp/core/http';

/** MLflow's four JSON input fields on `/invocations` (`mlflow/pyfunc/scoring_server`). */
export const scoringFormats = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
export type ScoringFormat = (typeof scoringFormats)[number];

export type ScoringRecord = Record<string, unknown>;

/** A 400 with MLflow's `BAD_REQUEST` error code, as MLflow's scoring server answers unparsable input. */
export function badRequest(message: string) {
  return httpProblem('INVALID_ARGUMENT', message, { errorCode: 'BAD_REQUEST' });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const requiredInput = `The input must be a JSON object with exactly one of the input fields ${scoringFormats.join(', ')}`;

/**
 * Records from a parsed `/invocations` JSON body: `dataframe_split` ({columns, data}),
 * `dataframe_records` (a list of objects), `instances` (a list of objects) or `inputs` (an object of
 * equal-length columns, or a list of objects). MLflow's `params` field is allowed and ignored (mlp
 * models take none). `columns` names the model's inputs, for a single-column model's bare list.
 */
export function recordsFromJson(body: unknown, columns: readonly string[]): { format: ScoringFormat; records: ScoringRecord[] } {
  if (!isObject(body)) {
    const got = Array.isArray(body) ? 'a list' : `${body === null ? 'null' : typeof body}`;
    throw badRequest(`${requiredInput}. Received ${got}.`);
  }
  const present = scoringFormats.filter((format) => Object.hasOwn(body, format));
  if (present.length !== 1) {
    throw badRequest(`${requiredInput}. Received an object with the fields: ${Object.keys(body).join(', ') || '(none)'}.`);
  }
  const format = present[0] as ScoringFormat;
  const value = body[format];
  switch (format) {
    case 'dataframe_split':
      return { format, records: fromSplit(value) };
    case 'dataframe_records':
      return { format, records: fromRecordList(value, format) };
    case 'instances':
      return { format, records: fromRecordList(value, format, columns) };
    case 'inputs':
      return { format, records: isObject(value) ? fromColumns(value) : fromRecordList(value, format, columns) };
  }
}

function fromSplit(value: unknown): ScoringRecord[] {
  if (!isObject(value) || !Array.isArray(value.columns) || !Array.isArray(value.data)) {
    throw badRequest(
      'dataframe_split must be an object {"columns": [...], "data": [[...], ...]}, as pandas writes with to_dict(orient="split").',
    );
  }
  const columns = value.columns;
  columns.forEach((column, index) => {
    if (typeof column !== 'string') throw badRequest(`dataframe_split.columns[${index}] must be a column name (text).`);
  });
  return value.data.map((row, index) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw badRequest(
        `dataframe_split.data[${index}] must be a list of ${columns.length} value${columns.length === 1 ? '' : 's'}, one per column.`,
      );
    }
    const record: ScoringRecord = {};
    columns.forEach((column, position) => {
      record[column as string] = row[position];
    });
    return record;
  });
}

function fromRecordList(value: unknown, format: ScoringFormat, columns: readonly string[] = []): ScoringRecord[] {
  if (!Array.isArray(value)) throw badRequest(`${format} must be a list of records (objects keyed by column name).`);
  const single = columns.length === 1 ? (columns[0] as string) : undefined;
  return value.map((item, index) => {
    if (isObject(item)) return item;
    // MLflow matches a bare list to a model with a single input column.
    if (single !== undefined && !Array.isArray(item)) return { [single]: item };
    throw badRequest(
      `${format}[${index}] is ${Array.isArray(item) ? 'a list' : typeof item}, not a record: send objects keyed by column name (${columns.join(', ')}).`,
    );
  });
}

function fromColumns(value: Record<string, unknown>): ScoringRecord[] {
  const names = Object.keys(value);
  let rows: number | undefined;
  for (const name of names) {
    const column = value[name];
    if (!Array.isArray(column)) throw badRequest(`inputs.${name} must be a list of values (one per record).`);
    rows ??= column.length;
    if (column.length !== rows)
      throw badRequest(`The columns of inputs differ in length: ${names[0]} has ${rows} values, ${name} ${column.length}.`);
  }
  return Array.from({ length: rows ?? 0 }, (_, row) => Object.fromEntries(names.map((name) => [name, (value[name] as unknown[])[row]])));
}

/**
 * Refuses a record with a column the model does not take (a misspelt feature would otherwise be
 * dropped silently and imputed): 400 naming the field and the model's columns.
 */
export function assertKnownColumns(records: readonly ScoringRecord[], columns: readonly string[], ignored: readonly string[] = []): void {
  const known = new Set([...columns, ...ignored]);
  for (let row = 0; row < records.length; row++) {
    for (const key of Object.keys(records[row] as ScoringRecord)) {
      if (!known.has(key)) {
        throw httpProblem(
          'INVALID_ARGUMENT',
          `Record ${row} has the column ${JSON.stringify(key)}, which the model does not take; its columns are ${columns.join(', ')}.`,
          { errorCode: 'BAD_REQUEST' },
        );
      }
    }
  }
}
