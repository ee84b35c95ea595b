import { MlpError } from '@mlp/core';
import type { Cell } from '../data/table.js';
import type { FeatureState } from './preprocessor-state.js';

/** Where an encoder writes: its columns start at `offset` in each row of a row-major matrix `width` wide. */
export interface EncoderOutput {
  matrix: Float32Array;
  width: number;
  offset: number;
}

/** Cells that were missing (null, NaN, blank text) or present but unusable (text in a numeric column). */
export interface FeatureCounts {
  missing: number;
  invalid: number;
}

/** One fitted feature: its saved state, its output columns, and how it encodes a column of cells. */
export interface FeatureEncoder {
  readonly state: FeatureState;
  readonly outputNames: readonly string[];
  /** Encodes output row i from cell `rows ? rows[i] : i`, for i < count. */
  encode(cells: readonly Cell[], rows: Int32Array | undefined, count: number, output: EncoderOutput): FeatureCounts;
  /** Whether a cell is missing, invalid (present but unusable), or fine (undefined), as `encode` counts it. */
  check(cell: Cell): keyof FeatureCounts | undefined;
  /** JSON Schema of this feature's input value. */
  schema(): Record<string, unknown>;
}

/** Missing: null, NaN, an invalid Date or blank text. */
export function isMissing(cell: Cell): boolean {
  if (cell === null) return true;
  switch (typeof cell) {
    case 'number':
      return Number.isNaN(cell);
    case 'string':
      return cell.trim() === '';
    case 'boolean':
      return false;
    default:
      return Number.isNaN(cell.getTime());
  }
}

/** Tracks problem cells and the first of them, for counts and for the reject error. */
export class ProblemTally {
  missing = 0;
  invalid = 0;
  private firstRow = -1;
  private firstValue: Cell = null;

  add(kind: 'missing' | 'invalid', row: number, value: Cell): void {
    this[kind]++;
    if (this.firstRow < 0) {
      this.firstRow = row;
      this.firstValue = value;
    }
  }

  /** Throws INVALID_ARGUMENT under the reject policy when there was any problem; returns the counts. */
  finish(feature: string, policy: 'impute' | 'reject', expected: string): FeatureCounts {
    if (policy === 'reject' && this.missing + this.invalid > 0) {
      const value = this.firstValue === null ? 'nothing' : JSON.stringify(this.firstValue);
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Feature ${JSON.stringify(feature)} rejects bad values: ${this.missing} missing and ${this.invalid} not ${expected} (first at row ${this.firstRow}: ${value}). Fix or drop those rows, or set invalid: 'impute'.`,
        { details: { feature, missing: this.missing, invalid: this.invalid, row: this.firstRow } },
      );
    }
    return { missing: this.missing, invalid: this.invalid };
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The one guard between arithmetic and the matrix: a value that is NaN or overflows float32 would
 * silently poison training, so it fails here with the feature and row.
 */
export function checkedFloat32(value: number, feature: string, row: number): number {
  if (value <= FLOAT32_MAX && value >= -FLOAT32_MAX) return value;
  throw new MlpError(
    'INVALID_ARGUMENT',
    `Feature ${JSON.stringify(feature)}, row ${row}: the encoded value ${value} is not a finite 32-bit number. Rescale the column (or drop the outlier).`,
    { details: { feature, row } },
  );
}

/** Mean and population standard deviation (1 when the values are constant, so dividing is harmless). */
export function meanAndStd(values: Float64Array, feature: string): { mean: number; std: number } {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) * (value - mean);
  const std = Math.sqrt(squares / values.length);
  if (!Number.isFinite(mean) || !Number.isFinite(std)) {
    throw new MlpError('INVALID_ARGUMENT', `Feature ${JSON.stringify(feature)} has values too large to standardize: rescale the column.`, {
      details: { feature },
    });
  }
  return { mean, std: std > 0 ? std : 1 };
}

/** A feature that has no usable value in the training rows cannot be fitted. */
export function noTrainingValues(feature: string, rows: number): MlpError {
  return new MlpError(
    'FAILED_PRECONDITION',
    `Feature ${JSON.stringify(feature)} has no usable value in the ${rows} training rows (all missing or invalid): fix the column or drop the feature.`,
    { details: { feature, rows } },
  );
}
