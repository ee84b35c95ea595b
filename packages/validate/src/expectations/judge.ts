import { MlpError } from '@mlp/core';
import type { ExpectationResult } from '../result/validation-result.js';
import type { Expectation } from '../suite/suite.js';
import { type ColumnInfo, type ColumnKind, compareValues, type ResultValue, toEpochMs, toResultValue } from '../values.js';
import { expectationCatalog } from './catalog.js';

// Judgement shared by both engines: an engine only counts; success, percentages and messages are decided here once.

/** Counts an engine reports for a row-by-row expectation. */
export interface MapCounts {
  elementCount: number;
  /** Rows left out of the denominator (missing values, or rows ignoreRowIf skips). */
  missingCount: number;
  unexpectedCount: number;
}

export interface UnexpectedSample {
  /** The first unexpected rows in row order (at most PARTIAL_UNEXPECTED_LIMIT). */
  rows: { index: number; value: ResultValue }[];
  /** The most frequent unexpected values over all rows. */
  counts: { value: ResultValue; count: number }[];
}

/** Statistics an engine reports for an aggregate expectation (only the fields its type needs). */
export interface AggregateMetrics {
  value?: number | null;
  quantiles?: number[] | null;
  nonMissingCount?: number;
  distinctCount?: number;
  /** The first distinct values in value order (at most DISTINCT_SAMPLE_LIMIT). */
  distinctSample?: ResultValue[];
  /** Distinct values outside valueSet. */
  outsideSetCount?: number;
  /** Distinct members of valueSet that occur. */
  setValuesPresent?: number;
  /** Most common values: the first DISTINCT_SAMPLE_LIMIT in value order, how many tie, how many are in valueSet. */
  modes?: ResultValue[];
  modeTotal?: number;
  modeHits?: number;
  /** KL divergence: counts per reference category or bin, and outside it. */
  partitionCounts?: number[];
  belowCount?: number;
  aboveCount?: number;
  /** Categorical KL divergence: rows, and distinct values, not among the reference values. */
  outsideCount?: number;
  outsideDistinct?: number;
}

export const DISTINCT_SAMPLE_LIMIT = 100;

/** Row-by-row expectations whose denominator includes missing values (Great Expectations' exception to `mostly`). */
const countsMissing = new Set(['expectColumnValuesToNotBeNull', 'expectColumnValuesToBeNull']);

export function consideredRows(expectation: Expectation, counts: MapCounts): number {
  return countsMissing.has(expectation.type) ? counts.elementCount : counts.elementCount - counts.missingCount;
}

/** `mostly`: the share of considered rows that must be as expected; no considered rows is vacuously true. */
export function mapSucceeds(expectation: Expectation, counts: MapCounts): boolean {
  const considered = consideredRows(expectation, counts);
  if (considered === 0) return true;
  const mostly = (expectation.args.mostly as number | undefined) ?? 1;
  // A small tolerance, so mostly 0.9 on 9 of 10 passes despite binary fractions.
  return (considered - counts.unexpectedCount) / considered >= mostly - 1e-12;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);

export function mapResult(
  base: ExpectationResult,
  expectation: Expectation,
  counts: MapCounts,
  sample?: UnexpectedSample,
): ExpectationResult {
  const considered = consideredRows(expectation, counts);
  const result: ExpectationResult = {
    ...base,
    success: mapSucceeds(expectation, counts),
    elementCount: counts.elementCount,
    missingCount: counts.missingCount,
    missingPercent: percent(counts.missingCount, counts.elementCount),
    unexpectedCount: counts.unexpectedCount,
    unexpectedPercent: percent(counts.unexpectedCount, considered),
    unexpectedPercentTotal: percent(counts.unexpectedCount, counts.elementCount),
  };
  if (sample) {
    result.partialUnexpectedList = sample.rows.map((row) => row.value);
    result.partialUnexpectedIndexList = sample.rows.map((row) => row.index);
    result.partialUnexpectedCounts = [...sample.counts].sort((a, b) => b.count - a.count || compareValues(a.value, b.value));
  }
  if (counts.elementCount === 0) result.message = 'The table is empty: vacuously true.';
  return result;
}

/** The column kinds each expectation accepts (undefined: any). */
const numeric: ColumnKind[] = ['number'];
const ordered: ColumnKind[] = ['number', 'timestamp'];
const text: ColumnKind[] = ['string'];
const requiredKinds: Partial<Record<Expectation['type'], ColumnKind[]>> = {
  expectColumnValuesToBeBetween: ordered,
  expectColumnValuesToMatchRegex: text,
  expectColumnValuesToNotMatchRegex: text,
  expectColumnValuesToMatchStrftimeFormat: text,
  expectColumnValuesToBeParseableAsDate: text,
  expectColumnValuesToBeJsonParseable: text,
  expectColumnValueLengthsToBeBetween: text,
  expectColumnValueLengthsToEqual: text,
  expectColumnValueZScoresToBeLessThan: numeric,
  expectColumnValuesToBeIncreasing: ordered,
  expectColumnValuesToBeDecreasing: ordered,
  expectColumnPairValuesAToBeGreaterThanB: ordered,
  expectColumnMinToBeBetween: ordered,
  expectColumnMaxToBeBetween: ordered,
  expectColumnMeanToBeBetween: numeric,
  expectColumnMedianToBeBetween: numeric,
  expectColumnSumToBeBetween: numeric,
  expectColumnStdevToBeBetween: numeric,
  expectColumnQuantileValuesToBeBetween: numeric,
};

/** Throws when a column's kind does not suit the expectation (reported as that expectation's exception). */
export function checkColumnKinds(expectation: Expectation, columns: ColumnInfo[]): void {
  const allowed = requiredKinds[expectation.type];
  if (expectation.type === 'expectColumnKlDivergenceToBeLessThan' && 'bins' in (expectation.args.partitionObject as object)) {
    if (columns[0]?.kind !== 'number') throw kindError(expectation, columns[0] as ColumnInfo, numeric);
  }
  if (allowed) for (const column of columns) if (!allowed.includes(column.kind)) throw kindError(expectation, column, allowed);
  if (columns.length === 2 && columns[0]?.kind !== columns[1]?.kind && expectation.type.startsWith('expectColumnPair')) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${expectation.type} compares columns of different kinds (${columns[0]?.name}: ${columns[0]?.kind}, ${columns[1]?.name}: ${columns[1]?.kind}).`,
    );
  }
}

function kindError(expectation: Expectation, column: ColumnInfo, allowed: ColumnKind[]): MlpError {
  return new MlpError(
    'INVALID_ARGUMENT',
    `${expectation.type} needs a ${allowed.join(' or ')} column; "${column.name}" is ${column.kind} (${column.nativeType}).`,
  );
}

/** A bound as a comparable number for a column kind (timestamps as epoch ms). */
export function boundValue(bound: unknown, kind: ColumnKind, name: string): number | undefined {
  if (bound === null || bound === undefined) return undefined;
  const value = kind === 'timestamp' ? toEpochMs(bound) : typeof bound === 'number' ? bound : undefined;
  if (value === undefined) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${name} ${JSON.stringify(bound)} is not a ${kind === 'timestamp' ? 'date or timestamp' : 'number'}.`,
    );
  }
  return value;
}

export interface Bounds {
  min: number | undefined;
  max: number | undefined;
  strictMin: boolean;
  strictMax: boolean;
}

export function boundsOf(args: Record<string, unknown>, kind: ColumnKind): Bounds {
  return {
    min: boundValue(args.minValue, kind, 'minValue'),
    max: boundValue(args.maxValue, kind, 'maxValue'),
    strictMin: args.strictMin === true,
    strictMax: args.strictMax === true,
  };
}

export function withinBounds(value: number, bounds: Bounds): boolean {
  if (bounds.min !== undefined && (bounds.strictMin ? value <= bounds.min : value < bounds.min)) return false;
  if (bounds.max !== undefined && (bounds.strictMax ? value >= bounds.max : value > bounds.max)) return false;
  return true;
}

/** The members of valueSet comparable with a column of this kind (timestamps as epoch ms). */
export function normalizeSet(valueSet: readonly unknown[], kind: ColumnKind): (string | number | boolean)[] {
  const members = new Set<string | number | boolean>();
  for (const member of valueSet) {
    if (kind === 'timestamp') {
      const ms = toEpochMs(member);
      if (ms !== undefined) members.add(ms);
    } else if (kind === 'mixed' || typeof member === (kind === 'number' ? 'number' : kind)) {
      members.add(member as string | number | boolean);
    }
  }
  return [...members];
}

/** Mean and sample standard deviation for z-scores; refuses data where z-scores are undefined. */
export function zScoreParameters(mean: number | null, stdev: number | null): { mean: number; stdev: number } {
  if (mean === null || stdev === null || !(stdev > 0)) {
    throw new MlpError('FAILED_PRECONDITION', 'Z-scores are undefined: the column needs at least two distinct non-missing values.');
  }
  return { mean, stdev };
}

/** The nearest-rank quantile position DuckDB's quantile_disc uses, for `count` sorted values. */
export function quantileIndex(quantile: number, count: number): number {
  return Math.max(0, Math.ceil(quantile * count) - 1);
}

const noValues = 'The column has no non-missing values to aggregate.';

/** Observed value and success of an aggregate expectation from an engine's metrics. */
export function aggregateResult(
  base: ExpectationResult,
  expectation: Expectation,
  column: ColumnInfo,
  metrics: AggregateMetrics,
): ExpectationResult {
  const args = expectation.args;
  const fail = (observedValue: unknown, message: string): ExpectationResult => ({ ...base, success: false, observedValue, message });
  switch (expectation.type) {
    case 'expectColumnMinToBeBetween':
    case 'expectColumnMaxToBeBetween':
    case 'expectColumnMeanToBeBetween':
    case 'expectColumnMedianToBeBetween':
    case 'expectColumnSumToBeBetween':
    case 'expectColumnStdevToBeBetween':
    case 'expectColumnUniqueValueCountToBeBetween': {
      const value = metrics.value;
      if (value === null || value === undefined || Number.isNaN(value)) return fail(null, noValues);
      const kind =
        expectation.type === 'expectColumnMinToBeBetween' || expectation.type === 'expectColumnMaxToBeBetween' ? column.kind : 'number';
      return { ...base, success: withinBounds(value, boundsOf(args, kind)), observedValue: toResultValue(value, kind) };
    }
    case 'expectColumnProportionOfUniqueValuesToBeBetween': {
      const nonMissing = metrics.nonMissingCount ?? 0;
      const proportion = nonMissing === 0 ? 0 : (metrics.distinctCount ?? 0) / nonMissing;
      return { ...base, success: withinBounds(proportion, boundsOf(args, 'number')), observedValue: proportion };
    }
    case 'expectColumnQuantileValuesToBeBetween': {
      const ranges = args.quantileRanges as { quantiles: number[]; valueRanges: [number | null, number | null][] };
      if (!metrics.quantiles) return fail(null, noValues);
      const values = metrics.quantiles;
      const success = ranges.valueRanges.every(([low, high], i) => {
        const value = values[i] as number;
        return (low === null || value >= low) && (high === null || value <= high);
      });
      return { ...base, success, observedValue: { quantiles: ranges.quantiles, values } };
    }
    case 'expectColumnDistinctValuesToBeInSet':
    case 'expectColumnDistinctValuesToContainSet':
    case 'expectColumnDistinctValuesToEqualSet': {
      const setSize = normalizeSet(args.valueSet as unknown[], column.kind).length;
      const inSet = (metrics.outsideSetCount ?? 0) === 0;
      const contains = (metrics.setValuesPresent ?? 0) === setSize;
      const success =
        expectation.type === 'expectColumnDistinctValuesToBeInSet'
          ? inSet
          : expectation.type === 'expectColumnDistinctValuesToContainSet'
            ? contains
            : inSet && contains;
      return {
        ...base,
        success,
        observedValue: metrics.distinctSample ?? [],
        ...((metrics.distinctCount ?? 0) > DISTINCT_SAMPLE_LIMIT
          ? { message: `Showing ${DISTINCT_SAMPLE_LIMIT} of ${metrics.distinctCount} distinct values.` }
          : {}),
      };
    }
    case 'expectColumnMostCommonValueToBeInSet': {
      const total = metrics.modeTotal ?? 0;
      if (total === 0) return fail(null, noValues);
      const hits = metrics.modeHits ?? 0;
      const success = args.tiesOkay ? hits > 0 : hits === total;
      return { ...base, success, observedValue: metrics.modes ?? [] };
    }
    case 'expectColumnKlDivergenceToBeLessThan': {
      const nonMissing = metrics.nonMissingCount ?? 0;
      if (nonMissing === 0) return fail(null, noValues);
      const divergence = klDivergence(args, metrics);
      return {
        ...base,
        success: divergence < (args.threshold as number),
        observedValue: Number.isFinite(divergence) ? divergence : 'Infinity',
      };
    }
    default:
      throw new MlpError('INTERNAL', `${expectation.type} is not an aggregate expectation.`);
  }
}

/**
 * KL(observed ‖ reference) in nats, as Great Expectations computes it (scipy's entropy(pk, qk)). Observed
 * mass where the reference has none makes it infinite, unless holdouts give that mass reference weight:
 * internalWeightHoldout for unseen categories (or bins), tailWeightHoldout for values beyond the bins.
 */
export function klDivergence(args: Record<string, unknown>, metrics: AggregateMetrics): number {
  const partition = args.partitionObject as { weights: number[]; bins?: number[]; tailWeights?: [number, number] };
  const total = metrics.nonMissingCount ?? 0;
  const counts = metrics.partitionCounts ?? [];
  const weightSum = partition.weights.reduce((sum, weight) => sum + weight, 0);
  const internalHoldout = args.internalWeightHoldout as number;
  const tailHoldout = args.tailWeightHoldout as number;
  const pairs: [observed: number, reference: number][] = [];
  if (partition.bins) {
    const tails = partition.tailWeights ?? [tailHoldout / 2, tailHoldout / 2];
    const scale = (1 - tails[0] - tails[1]) / weightSum;
    for (const [i, weight] of partition.weights.entries()) pairs.push([(counts[i] ?? 0) / total, weight * scale]);
    pairs.push([(metrics.belowCount ?? 0) / total, tails[0]]);
    pairs.push([(metrics.aboveCount ?? 0) / total, tails[1]]);
  } else {
    const unseen = metrics.outsideDistinct ?? 0;
    const scale = (unseen > 0 ? 1 - internalHoldout : 1) / weightSum;
    for (const [i, weight] of partition.weights.entries()) pairs.push([(counts[i] ?? 0) / total, weight * scale]);
    if (unseen > 0) pairs.push([(metrics.outsideCount ?? 0) / total, internalHoldout]);
  }
  let divergence = 0;
  for (const [observed, reference] of pairs) {
    if (observed === 0) continue;
    if (reference === 0) return Number.POSITIVE_INFINITY;
    divergence += observed * Math.log(observed / reference);
  }
  return divergence;
}

/** Whether an expectation type is row-by-row, aggregate or table-level. */
export const kindOf = (type: Expectation['type']) => expectationCatalog[type].kind;
