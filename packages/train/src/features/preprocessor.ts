import { MlpError } from '@mlp/core';
import type { Cell, Table } from '../data/table.js';
import { tableFromRecords } from '../data/table-from-records.js';
import type { FeatureSpec } from '../spec/train-spec.js';
import { createCategoricalEncoder, fitCategorical } from './categorical-encoder.js';
import { createDateEncoder, fitDate } from './date-encoder.js';
import type { FeatureEncoder } from './feature-encoder.js';
import { createNumericEncoder, fitNumeric } from './numeric-encoder.js';
import {
  type FeatureState,
  PREPROCESSOR_FORMAT,
  PREPROCESSOR_VERSION,
  type PreprocessorState,
  preprocessorStateSchema,
} from './preprocessor-state.js';

/** A feature with missing or invalid values in a transform (features without problems are left out). */
export interface FeatureIssue {
  feature: string;
  missing: number;
  invalid: number;
}

export interface TransformResult {
  /** Row-major, `rows × width`; every value finite. */
  matrix: Float32Array;
  rows: number;
  issues: FeatureIssue[];
}

/** A row serving cannot use: its first bad feature and value. */
export interface InvalidRow {
  row: number;
  feature: string;
  value: Cell;
  /** `invalid`: present but unusable (`abc` for a number); `missing` under a feature that rejects missing values. */
  problem: 'invalid' | 'missing';
  /** `feature "distance": "abc" is not a number`. */
  reason: string;
}

/** Turns table rows into the model's input matrix, exactly the same way in training and in serving. */
export interface Preprocessor {
  /** Plain JSON, saved in the model package; `restorePreprocessor` rebuilds this preprocessor from it. */
  readonly state: PreprocessorState;
  /** One name per matrix column: `delay`, `origin=SEA`, `origin=__unknown__`, `date.hour`. */
  readonly outputNames: readonly string[];
  readonly width: number;
  /** Encodes `rows` of `table` (all rows by default), in that order. */
  transform(table: Table, rows?: Int32Array): TransformResult;
  /** Encodes records, such as a serving request; an absent field counts as missing. */
  transformRecords(records: readonly Record<string, unknown>[]): TransformResult;
  /**
   * The rows serving must not impute, in order: an invalid value (text in a numeric column, a
   * non-date in a date column) is never a missing one; a missing value only where the package
   * recorded that its feature was not imputed in training (`invalid: 'reject'`).
   */
  invalidRows(table: Table): InvalidRow[];
  /** JSON Schema (draft 2020-12) of one input record. */
  inputSchema(): Record<string, unknown>;
}

const expected: Record<FeatureState['type'], string> = { numeric: 'a number', date: 'a timestamp', categorical: 'a category' };

function columnOf(table: Table, name: string): readonly Cell[] {
  const cells = table.columns.get(name);
  if (cells) return cells;
  throw new MlpError(
    'INVALID_ARGUMENT',
    `The feature column ${JSON.stringify(name)} is not in the data; its columns are ${[...table.columns.keys()].join(', ') || '(none)'}.`,
    { details: { column: name, columns: [...table.columns.keys()] } },
  );
}

function fitFeature(feature: FeatureSpec, cells: readonly Cell[], rows: Int32Array): FeatureState {
  switch (feature.type) {
    case 'numeric':
      return fitNumeric(feature, cells, rows);
    case 'categorical':
      return fitCategorical(feature, cells, rows);
    case 'date':
      return fitDate(feature, cells, rows);
  }
}

function createEncoder(state: FeatureState): FeatureEncoder {
  switch (state.type) {
    case 'numeric':
      return createNumericEncoder(state);
    case 'categorical':
      return createCategoricalEncoder(state);
    case 'date':
      return createDateEncoder(state);
  }
}

/**
 * Fits the preprocessing of `features` on the training `rows` of `table`: every statistic (means,
 * standard deviations, medians, category lists) comes from those rows only, so validation and test
 * rows never leak into the model's inputs.
 */
export function fitPreprocessor(table: Table, features: readonly FeatureSpec[], rows: Int32Array): Preprocessor {
  if (features.length === 0) throw new MlpError('INVALID_ARGUMENT', 'Name at least one feature to preprocess.');
  if (rows.length === 0) throw new MlpError('FAILED_PRECONDITION', 'Cannot fit preprocessing on 0 training rows: read more data.');
  const seen = new Set<string>();
  for (const feature of features) {
    if (seen.has(feature.name))
      throw new MlpError('INVALID_ARGUMENT', `The feature ${JSON.stringify(feature.name)} is listed twice: list each column once.`);
    seen.add(feature.name);
  }
  for (const row of rows) {
    if (row < 0 || row >= table.rowCount)
      throw new MlpError('INVALID_ARGUMENT', `Training row ${row} is outside the table's ${table.rowCount} rows.`);
  }
  const states = features.map((feature) => fitFeature(feature, columnOf(table, feature.name), rows));
  return build({ format: PREPROCESSOR_FORMAT, version: PREPROCESSOR_VERSION, features: states });
}

/** Rebuilds a preprocessor from its saved state (after a JSON round trip), refusing a state it cannot read. */
export function restorePreprocessor(state: PreprocessorState): Preprocessor {
  const record = state as { format?: unknown; version?: unknown };
  if (record?.format === PREPROCESSOR_FORMAT && record.version !== PREPROCESSOR_VERSION) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The preprocessor was saved as version ${String(record.version)}; this @mlp/train reads version ${PREPROCESSOR_VERSION}. Use a matching @mlp/train or retrain.`,
    );
  }
  const parsed = preprocessorStateSchema.safeParse(state);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new MlpError('INVALID_ARGUMENT', `Not a valid preprocessor state: ${problem?.path.join('.') || '(root)'}: ${problem?.message}.`, {
      cause: parsed.error,
    });
  }
  return build(parsed.data);
}

function build(state: PreprocessorState): Preprocessor {
  const encoders = state.features.map(createEncoder);
  const offsets: number[] = [];
  let width = 0;
  for (const encoder of encoders) {
    offsets.push(width);
    width += encoder.outputNames.length;
  }
  const outputNames = encoders.flatMap((encoder) => encoder.outputNames);
  const names = state.features.map((feature) => feature.name);

  function transform(table: Table, rows?: Int32Array): TransformResult {
    const count = rows ? rows.length : table.rowCount;
    if (rows) {
      for (const row of rows) {
        if (row < 0 || row >= table.rowCount)
          throw new MlpError('INVALID_ARGUMENT', `Row ${row} is outside the table's ${table.rowCount} rows.`);
      }
    }
    const matrix = new Float32Array(count * width);
    const issues: FeatureIssue[] = [];
    encoders.forEach((encoder, index) => {
      const counts = encoder.encode(columnOf(table, encoder.state.name), rows, count, { matrix, width, offset: offsets[index] as number });
      if (counts.missing + counts.invalid > 0) issues.push({ feature: encoder.state.name, ...counts });
    });
    return { matrix, rows: count, issues };
  }

  function invalidRows(table: Table): InvalidRow[] {
    const found = new Map<number, InvalidRow>();
    for (const encoder of encoders) {
      const { name, type } = encoder.state;
      const cells = columnOf(table, name);
      for (let row = 0; row < table.rowCount; row++) {
        if (found.has(row)) continue;
        const value = cells[row] ?? null;
        const problem = encoder.check(value);
        if (problem === 'invalid' || (problem === 'missing' && encoder.state.invalid === 'reject')) {
          const reason =
            problem === 'invalid'
              ? `feature ${JSON.stringify(name)}: ${JSON.stringify(value)} is not ${expected[type]}`
              : `feature ${JSON.stringify(name)} is missing (the model was trained to reject missing values there)`;
          found.set(row, { row, feature: name, value, problem, reason });
        }
      }
    }
    return [...found.values()].sort((a, b) => a.row - b.row);
  }

  return {
    state,
    outputNames,
    width,
    transform,
    invalidRows,
    transformRecords: (records) => transform(tableFromRecords(records, names)),
    inputSchema: () => ({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: Object.fromEntries(encoders.map((encoder) => [encoder.state.name, encoder.schema()])),
      required: encoders.filter((encoder) => encoder.state.invalid === 'reject').map((encoder) => encoder.state.name),
    }),
  };
}
