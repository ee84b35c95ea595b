import type { Cell } from '../data/table.js';
import type { FeatureSpec } from '../spec/train-spec.js';
import { type FeatureEncoder, isMissing, ProblemTally } from './feature-encoder.js';
import type { CategoricalState } from './preprocessor-state.js';

type CategoricalSpec = Extract<FeatureSpec, { type: 'categorical' }>;

/** The bucket for unseen, rare and (under `impute`) missing values. */
export const UNKNOWN_CATEGORY = '__unknown__';

/** Categories compare as text, so 3, '3' and 3.0 are one category whether read from CSV or sent as JSON. */
export function categoryKey(cell: Exclude<Cell, null>): string {
  if (typeof cell === 'string') return cell;
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/**
 * Fits a categorical feature on the training rows: the `maxCategories` most frequent values seen at
 * least `minFrequency` times, ties broken by value so the choice is deterministic. Output columns
 * are in value order.
 */
export function fitCategorical(spec: CategoricalSpec, cells: readonly Cell[], rows: Int32Array): CategoricalState {
  const tally = new ProblemTally();
  const counts = new Map<string, number>();
  for (const row of rows) {
    const cell = cells[row] ?? null;
    if (cell === null || isMissing(cell)) tally.add('missing', row, cell);
    else {
      const key = categoryKey(cell);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  tally.finish(spec.name, spec.invalid, 'a category');
  const kept = [...counts]
    .filter(([, count]) => count >= spec.minFrequency)
    .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, spec.maxCategories)
    .map(([value]) => value)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { type: 'categorical', name: spec.name, invalid: spec.invalid, categories: kept };
}

export function createCategoricalEncoder(state: CategoricalState): FeatureEncoder {
  const index = new Map(state.categories.map((value, position) => [value, position]));
  const unknown = state.categories.length;
  return {
    state,
    outputNames: [...state.categories.map((value) => `${state.name}=${value}`), `${state.name}=${UNKNOWN_CATEGORY}`],
    encode(cells, rows, count, { matrix, width, offset }) {
      const tally = new ProblemTally();
      // The caller hands a zeroed matrix: one-hot only writes the ones.
      for (let i = 0, at = offset; i < count; i++, at += width) {
        const row = rows ? (rows[i] as number) : i;
        const cell = cells[row] ?? null;
        if (cell === null || isMissing(cell)) {
          tally.add('missing', row, cell);
          matrix[at + unknown] = 1;
        } else matrix[at + (index.get(categoryKey(cell)) ?? unknown)] = 1;
      }
      return tally.finish(state.name, state.invalid, 'a category');
    },
    // Any value is a category (an unseen one goes to the unknown bucket): only a missing one is a problem.
    check: (cell) => (cell === null || isMissing(cell) ? 'missing' : undefined),
    schema: () => ({
      type: state.invalid === 'reject' ? ['string', 'number', 'boolean'] : ['string', 'number', 'boolean', 'null'],
      description: 'Categorical, compared as text; a value not seen in training goes to the unknown bucket.',
      examples: state.categories.slice(0, 20),
    }),
  };
}
