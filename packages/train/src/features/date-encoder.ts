import type { Cell } from '../data/table.js';
import type { FeatureSpec } from '../spec/train-spec.js';
import { datePart, parseTimestamp } from './date-parts.js';
import { checkedFloat32, type FeatureEncoder, meanAndStd, noTrainingValues, ProblemTally } from './feature-encoder.js';
import type { DateState } from './preprocessor-state.js';

type DateSpec = Extract<FeatureSpec, { type: 'date' }>;

/** Fits a date feature: the training mean and standard deviation of each requested part. */
export function fitDate(spec: DateSpec, cells: readonly Cell[], rows: Int32Array): DateState {
  const tally = new ProblemTally();
  const parts = [...new Set(spec.parts)];
  const values = parts.map(() => new Float64Array(rows.length));
  let count = 0;
  for (const row of rows) {
    const cell = cells[row] ?? null;
    const time = parseTimestamp(cell);
    if (time === undefined) tally.add('missing', row, cell);
    else if (Number.isNaN(time)) tally.add('invalid', row, cell);
    else {
      const date = new Date(time);
      parts.forEach((part, index) => {
        (values[index] as Float64Array)[count] = datePart(date, part);
      });
      count++;
    }
  }
  tally.finish(spec.name, spec.invalid, 'a timestamp');
  if (count === 0) throw noTrainingValues(spec.name, rows.length);
  return {
    type: 'date',
    name: spec.name,
    invalid: spec.invalid,
    parts: parts.map((part, index) => ({ part, ...meanAndStd((values[index] as Float64Array).subarray(0, count), spec.name) })),
  };
}

export function createDateEncoder(state: DateState): FeatureEncoder {
  const parts = state.parts;
  return {
    state,
    outputNames: parts.map(({ part }) => `${state.name}.${part}`),
    encode(cells, rows, count, { matrix, width, offset }) {
      const tally = new ProblemTally();
      for (let i = 0, at = offset; i < count; i++, at += width) {
        const row = rows ? (rows[i] as number) : i;
        const cell = cells[row] ?? null;
        const time = parseTimestamp(cell);
        if (time === undefined || Number.isNaN(time)) {
          // Imputed with the training mean of each part, which standardizes to 0.
          tally.add(time === undefined ? 'missing' : 'invalid', row, cell);
          for (let p = 0; p < parts.length; p++) matrix[at + p] = 0;
          continue;
        }
        const date = cell instanceof Date ? cell : new Date(time);
        for (let p = 0; p < parts.length; p++) {
          const { part, mean, std } = parts[p] as DateState['parts'][number];
          matrix[at + p] = checkedFloat32((datePart(date, part) - mean) / std, state.name, row);
        }
      }
      return tally.finish(state.name, state.invalid, 'a timestamp');
    },
    check(cell) {
      const time = parseTimestamp(cell);
      return time === undefined ? 'missing' : Number.isNaN(time) ? 'invalid' : undefined;
    },
    schema: () => {
      const variants: Record<string, unknown>[] = [
        { type: 'string', format: 'date-time' },
        { type: 'number', description: 'milliseconds since 1970-01-01T00:00:00Z' },
      ];
      if (state.invalid === 'impute') variants.push({ type: 'null' });
      return { anyOf: variants, description: `Timestamp (UTC), used as ${parts.map(({ part }) => part).join(', ')}.` };
    },
  };
}
