import type { Cell } from '../data/table.js';
import { categoryKey } from '../features/categorical-encoder.js';
import { parseTimestamp } from '../features/date-parts.js';
import { isMissing } from '../features/feature-encoder.js';
import { parseNumber } from '../features/numeric-encoder.js';
import type { FeatureState } from '../features/preprocessor-state.js';

/**
 * A raw cell as the raw-column ONNX model takes it: numbers as double and dates as epoch
 * milliseconds (NaN when missing or unusable, which the graph imputes), categories as text (empty
 * when missing, which the graph puts in the unknown bucket).
 */
export function columnValue(feature: FeatureState, cell: Cell): number | string {
  if (feature.type === 'categorical') return cell === null || isMissing(cell) ? '' : categoryKey(cell);
  const value = feature.type === 'numeric' ? parseNumber(cell) : parseTimestamp(cell);
  return value === undefined ? Number.NaN : value;
}

/** Records as the raw-column model's feeds: one `[N]` array per feature, Float64Array or text. */
export function columnFeeds(
  records: readonly Record<string, unknown>[],
  features: readonly FeatureState[],
): Record<string, Float64Array | string[]> {
  return Object.fromEntries(
    features.map((feature) => {
      const values = records.map((record) => columnValue(feature, (record[feature.name] ?? null) as Cell));
      return [feature.name, feature.type === 'categorical' ? (values as string[]) : Float64Array.from(values as number[])];
    }),
  );
}
