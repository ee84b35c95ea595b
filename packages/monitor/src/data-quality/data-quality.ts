import { MlpError } from '@mlp/core';
import { z } from 'zod';
import type { ColumnSet } from '../drift/detect-drift.js';
import type { CategoricalProfile, ColumnProfile, NumericProfile } from '../profile/column-profile.js';
import { DatasetProfile, profileColumnData } from '../profile/dataset-profile.js';

export const dataQualityOptionsSchema = z.object({
  /** The columns to check; default: every column of either side. */
  columns: z.array(z.string()).optional(),
  /** A column fails when its missing share exceeds the reference's × this factor (1.1) … */
  missingShareFactor: z.number().min(1).default(1.1),
  /** … plus this margin (0): with a reference without nulls, any null fails unless a margin is given. */
  missingShareMargin: z.number().min(0).max(1).default(0),
  /** A categorical column fails when more than this share of its values are categories the reference lacks (0). */
  maxNewCategoryShare: z.number().min(0).max(1).default(0),
  /** A numeric column fails when more than this share of its values lie outside the reference's [min, max] (0). */
  maxOutOfRangeShare: z.number().min(0).max(1).default(0),
});
export type DataQualityOptions = z.input<typeof dataQualityOptionsSchema>;

export interface ColumnQuality {
  column: string;
  kind: 'numeric' | 'categorical' | null;
  /** Rows of the current data (values and nulls). */
  rows: number;
  /** Shares of nulls (null, NaN, ±Infinity, or a value of another kind) in each side. */
  missing: { reference: number; current: number; limit: number; failed: boolean } | null;
  /** Categorical: values of categories the reference never held. */
  newCategories: { count: number; share: number; values: string[]; exact: boolean; failed: boolean } | null;
  /** Numeric: values below the reference's minimum or above its maximum. */
  outOfRange: { below: number; above: number; share: number; min: number; max: number; exact: boolean; failed: boolean } | null;
  /** Why a check could not run or what is wrong with the column as a whole (missing, of another kind). */
  problem?: string;
  failed: boolean;
}

export interface DataQualityResult {
  /** At least one column failed. */
  failed: boolean;
  checkedColumns: number;
  failedColumns: number;
  columns: ColumnQuality[];
}

const newCategoriesListed = 20;

function missingShare(profile: ColumnProfile): number {
  const rows = profile.count + profile.nulls;
  return rows > 0 ? profile.nulls / rows : 0;
}

function newCategories(
  reference: CategoricalProfile,
  current: CategoricalProfile,
  max: number,
): NonNullable<ColumnQuality['newCategories']> {
  const found: [string, number][] = [];
  for (const [value, count] of current.frequent.counts) if (!reference.frequent.counts.has(value)) found.push([value, count]);
  found.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const count = found.reduce((sum, [, n]) => sum + n, 0);
  const share = current.count > 0 ? count / current.count : 0;
  return {
    count,
    share,
    values: found.slice(0, newCategoriesListed).map(([value]) => value),
    // A sketch that dropped rare values may hide new categories (in the current side) or know too few old ones (reference).
    exact: reference.frequent.other === 0 && current.frequent.other === 0,
    failed: share > max,
  };
}

function outOfRange(reference: NumericProfile, current: NumericProfile, max: number): ColumnQuality['outOfRange'] {
  if (reference.count === 0) return null;
  const json = reference.toJson();
  const min = json.min as number;
  const top = json.max as number;
  let below = 0;
  let above = 0;
  let exact = true;
  const distinct = current.distinctValues;
  const histogram = current.histogram;
  if (distinct) {
    for (const [value, n] of distinct) {
      if (value < min) below += n;
      else if (value > top) above += n;
    }
  } else if (histogram) {
    below = histogram.below;
    above = histogram.above;
    // The bins span the reference's [min, max] unless the reference was constant (then they are one wider).
    exact = histogram.edges[0] === min && histogram.edges[histogram.edges.length - 1] === top;
  } else {
    return null;
  }
  const share = current.count > 0 ? (below + above) / current.count : 0;
  return { below, above, share, min, max: top, exact, failed: share > max };
}

/**
 * Data quality of a window against the reference profile: per column the missing share against the
 * reference's, categories the reference never held, and numbers outside the reference's range. Window
 * profiles folded on the reference (`DatasetProfile.windowOf`) give exact out-of-range counts from their
 * bins; new categories are exact while neither side's frequent-value sketch dropped a value. A column
 * missing from one side or of another kind gets a problem, not an exception; INVALID_ARGUMENT only when
 * there is no column at all.
 */
export function checkDataQuality(reference: DatasetProfile, current: DatasetProfile, options: DataQualityOptions = {}): DataQualityResult {
  const parsed = dataQualityOptionsSchema.parse(options);
  const names = parsed.columns ?? [...new Set([...reference.columns.keys(), ...current.columns.keys()])];
  if (names.length === 0) throw new MlpError('INVALID_ARGUMENT', 'There are no columns to check: give profiles with at least one column.');
  const columns = names.map((column): ColumnQuality => {
    const ref = reference.columns.get(column);
    const cur = current.columns.get(column);
    const base = {
      column,
      kind: ref?.kind ?? cur?.kind ?? null,
      rows: cur ? cur.count + cur.nulls : 0,
      newCategories: null,
      outOfRange: null,
    };
    if (!ref) return { ...base, missing: null, problem: 'not in the reference: nothing to compare with', failed: false };
    if (!cur) return { ...base, missing: null, problem: 'missing from the current data', failed: true };
    const limit = Math.min(1, missingShare(ref) * parsed.missingShareFactor + parsed.missingShareMargin);
    const currentShare = missingShare(cur);
    const missing = { reference: missingShare(ref), current: currentShare, limit, failed: currentShare > limit };
    if (ref.kind !== cur.kind) {
      return { ...base, missing, problem: `${ref.kind} in the reference but ${cur.kind} in the current data`, failed: true };
    }
    if (cur.count + cur.nulls === 0) return { ...base, missing: null, problem: 'the current data is empty', failed: false };
    const quality: ColumnQuality = { ...base, missing, failed: false };
    if (ref.kind === 'categorical') quality.newCategories = newCategories(ref, cur as CategoricalProfile, parsed.maxNewCategoryShare);
    else {
      quality.outOfRange = outOfRange(ref, cur as NumericProfile, parsed.maxOutOfRangeShare);
      if (!quality.outOfRange) {
        quality.problem =
          ref.count === 0 ? 'only nulls in the reference: no range to compare with' : 'the window has no bins and kept no values';
      }
    }
    quality.failed = missing.failed || (quality.newCategories?.failed ?? false) || (quality.outOfRange?.failed ?? false);
    return quality;
  });
  const failedColumns = columns.filter((column) => column.failed).length;
  return { failed: failedColumns > 0, checkedColumns: columns.length, failedColumns, columns };
}

/**
 * Data quality of exact column data (files, dataset versions) against a reference's: the reference
 * profiled (`profileColumnData`), the current data folded onto its bins, then `checkDataQuality`.
 */
export function checkColumnDataQuality(reference: ColumnSet, current: ColumnSet, options: DataQualityOptions = {}): DataQualityResult {
  const referenceProfile = profileColumnData(reference);
  return checkDataQuality(referenceProfile, profileOnReference(referenceProfile, current), options);
}

/** Exact column data folded into a window profile on the reference's bins (a column new to the reference gets its own). */
export function profileOnReference(reference: DatasetProfile, columns: ColumnSet): DatasetProfile {
  const window = DatasetProfile.windowOf(reference);
  let rows = 0;
  for (const data of Object.values(columns)) rows = Math.max(rows, data.total + data.nulls);
  for (const [name, data] of Object.entries(columns)) {
    const own = profileColumnData({ [name]: data }).columns.get(name) as ColumnProfile;
    const target = window.columns.get(name);
    if (!target || target.kind !== data.kind) {
      window.columns.set(name, own);
      continue;
    }
    if (data.kind === 'numeric') {
      for (let i = 0; i < data.values.length; i += 1) target.add(data.values[i], data.counts[i]);
    } else {
      for (let i = 0; i < data.categories.length; i += 1) target.add(data.categories[i], data.counts[i]);
    }
    target.nulls += data.nulls;
  }
  // Reference columns the current data lacks are absent, not all-null.
  for (const name of [...window.columns.keys()]) if (!(name in columns)) window.columns.delete(name);
  window.rows = rows;
  return window;
}
