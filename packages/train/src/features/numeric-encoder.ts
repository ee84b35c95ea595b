import type { Cell } from '../data/table.js';
import type { FeatureSpec } from '../spec/train-spec.js';
import { checkedFloat32, type FeatureEncoder, isMissing, meanAndStd, noTrainingValues, ProblemTally } from './feature-encoder.js';
import type { NumericState } from './preprocessor-state.js';

type NumericSpec = Extract<FeatureSpec, { type: 'numeric' }>;

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A cell as a number: numbers, numeric text and booleans (1/0). `undefined` when missing, NaN when
 * present but not a finite number (other text, a Date, ±Infinity). Text is parsed strictly:
 * `Number('0x1f')` or `Number('')` would quietly produce a value.
 */
export function parseNumber(cell: Cell): number | undefined {
  if (isMissing(cell)) return undefined;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : Number.NaN;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell === 'string') {
    const text = cell.trim();
    return numberPattern.test(text) ? Number(text) : Number.NaN;
  }
  return Number.NaN;
}

function median(sorted: Float64Array): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Fits a numeric feature on the training rows: the fill value, mean and standard deviation. */
export function fitNumeric(spec: NumericSpec, cells: readonly Cell[], rows: Int32Array): NumericState {
  const tally = new ProblemTally();
  const values = new Float64Array(rows.length);
  let count = 0;
  for (const row of rows) {
    const cell = cells[row] ?? null;
    const value = parseNumber(cell);
    if (value === undefined) tally.add('missing', row, cell);
    else if (Number.isNaN(value)) tally.add('invalid', row, cell);
    else values[count++] = value;
  }
  tally.finish(spec.name, spec.invalid, 'a number');
  if (count === 0) throw noTrainingValues(spec.name, rows.length);
  const valid = values.subarray(0, count);
  const { mean, std } = meanAndStd(valid, spec.name);
  const fill = spec.impute === 'mean' ? mean : spec.impute === 'zero' ? 0 : median(valid.sort());
  return { type: 'numeric', name: spec.name, invalid: spec.invalid, impute: spec.impute, fill, standardize: spec.standardize, mean, std };
}

export function createNumericEncoder(state: NumericState): FeatureEncoder {
  const shift = state.standardize ? state.mean : 0;
  const scale = state.standardize ? state.std : 1;
  const filled = (state.fill - shift) / scale;
  return {
    state,
    outputNames: [state.name],
    encode(cells, rows, count, { matrix, width, offset }) {
      const tally = new ProblemTally();
      for (let i = 0, at = offset; i < count; i++, at += width) {
        const row = rows ? (rows[i] as number) : i;
        const cell = cells[row] ?? null;
        // The common case first: a finite number needs no parsing.
        if (typeof cell === 'number' && Number.isFinite(cell)) {
          matrix[at] = checkedFloat32((cell - shift) / scale, state.name, row);
          continue;
        }
        const value = parseNumber(cell);
        if (value === undefined || Number.isNaN(value)) {
          tally.add(value === undefined ? 'missing' : 'invalid', row, cell);
          matrix[at] = filled;
        } else matrix[at] = checkedFloat32((value - shift) / scale, state.name, row);
      }
      return tally.finish(state.name, state.invalid, 'a number');
    },
    check(cell) {
      const value = parseNumber(cell);
      return value === undefined ? 'missing' : Number.isNaN(value) ? 'invalid' : undefined;
    },
    schema: () => ({
      type: state.invalid === 'reject' ? ['number', 'string', 'boolean'] : ['number', 'string', 'boolean', 'null'],
      description: `Numeric; numeric text and booleans (1/0) are accepted${state.invalid === 'impute' ? `, a missing value becomes the training ${state.impute}` : ''}.`,
    }),
  };
}
