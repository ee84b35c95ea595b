import { MlpError } from '@mlp/core';
import { type AggregateMetrics, DISTINCT_SAMPLE_LIMIT, normalizeSet, quantileIndex } from '../expectations/judge.js';
import type { Expectation } from '../suite/suite.js';
import { compareValues, toResultValue } from '../values.js';
import { meanAndStdev, valueAt } from './in-memory-map.js';
import type { InMemoryColumn } from './in-memory-table.js';

function presentValues(column: InMemoryColumn): unknown[] {
  const values: unknown[] = [];
  for (let row = 0; row < column.values.length; row++) {
    const value = valueAt(column, row);
    if (value !== null) values.push(value);
  }
  return values;
}

function sortedNumbers(column: InMemoryColumn): Float64Array {
  const values = (column.values as Float64Array).filter((value) => !Number.isNaN(value));
  return values.sort();
}

function valueCounts(column: InMemoryColumn): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (let row = 0; row < column.values.length; row++) {
    const value = valueAt(column, row);
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

/** The statistics an aggregate expectation needs, from a column in memory. */
export function computeAggregate(expectation: Expectation, column: InMemoryColumn): AggregateMetrics {
  const args = expectation.args;
  switch (expectation.type) {
    case 'expectColumnMinToBeBetween':
    case 'expectColumnMaxToBeBetween': {
      const values = column.values as Float64Array;
      let result: number | null = null;
      const isMin = expectation.type === 'expectColumnMinToBeBetween';
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as number;
        if (Number.isNaN(value)) continue;
        if (result === null || (isMin ? value < result : value > result)) result = value;
      }
      return { value: result };
    }
    case 'expectColumnMeanToBeBetween':
      return { value: meanAndStdev(column.values as Float64Array)[0] };
    case 'expectColumnStdevToBeBetween':
      return { value: meanAndStdev(column.values as Float64Array)[1] };
    case 'expectColumnSumToBeBetween': {
      let sum = 0;
      for (const value of column.values as Float64Array) if (!Number.isNaN(value)) sum += value;
      return { value: sum };
    }
    case 'expectColumnMedianToBeBetween': {
      const sorted = sortedNumbers(column);
      if (sorted.length === 0) return { value: null };
      const middle = sorted.length >> 1;
      if (sorted.length % 2 === 1) return { value: sorted[middle] as number };
      const low = sorted[middle - 1] as number;
      const high = sorted[middle] as number;
      return { value: low + (high - low) * 0.5 }; // interpolated like DuckDB's quantile_cont
    }
    case 'expectColumnQuantileValuesToBeBetween': {
      const sorted = sortedNumbers(column);
      if (sorted.length === 0) return { quantiles: null };
      const { quantiles } = args.quantileRanges as { quantiles: number[] };
      return { quantiles: quantiles.map((quantile) => sorted[quantileIndex(quantile, sorted.length)] as number) };
    }
    case 'expectColumnUniqueValueCountToBeBetween':
      return { value: valueCounts(column).size };
    case 'expectColumnProportionOfUniqueValuesToBeBetween': {
      const counts = valueCounts(column);
      let nonMissing = 0;
      for (const count of counts.values()) nonMissing += count;
      return { distinctCount: counts.size, nonMissingCount: nonMissing };
    }
    case 'expectColumnDistinctValuesToBeInSet':
    case 'expectColumnDistinctValuesToContainSet':
    case 'expectColumnDistinctValuesToEqualSet': {
      const distinct = [...valueCounts(column).keys()];
      const members = new Set<unknown>(normalizeSet(args.valueSet as unknown[], column.kind));
      const sample = [...distinct].sort(compareValues).slice(0, DISTINCT_SAMPLE_LIMIT);
      return {
        distinctCount: distinct.length,
        distinctSample: sample.map((value) => toResultValue(value, column.kind)),
        outsideSetCount: distinct.filter((value) => !members.has(value)).length,
        setValuesPresent: distinct.filter((value) => members.has(value)).length,
      };
    }
    case 'expectColumnMostCommonValueToBeInSet': {
      const counts = valueCounts(column);
      let best = 0;
      for (const count of counts.values()) best = Math.max(best, count);
      const modes = [...counts].filter(([, count]) => count === best).map(([value]) => value);
      const members = new Set<unknown>(normalizeSet(args.valueSet as unknown[], column.kind));
      return {
        modes: modes
          .sort(compareValues)
          .slice(0, DISTINCT_SAMPLE_LIMIT)
          .map((value) => toResultValue(value, column.kind)),
        modeTotal: modes.length,
        modeHits: modes.filter((value) => members.has(value)).length,
      };
    }
    case 'expectColumnKlDivergenceToBeLessThan':
      return klCounts(args.partitionObject as { values?: unknown[]; bins?: number[] }, column);
    default:
      throw new MlpError('INTERNAL', `${expectation.type} is not an aggregate expectation.`);
  }
}

function klCounts(partition: { values?: unknown[]; bins?: number[] }, column: InMemoryColumn): AggregateMetrics {
  const values = presentValues(column);
  if (partition.bins) {
    const bins = partition.bins;
    const counts = new Array<number>(bins.length - 1).fill(0);
    let below = 0;
    let above = 0;
    for (const value of values as number[]) {
      if (value < (bins[0] as number)) below++;
      else if (value > (bins[bins.length - 1] as number)) above++;
      else {
        // The last bin is closed on the right; the others are half-open [low, high).
        let low = 0;
        let high = bins.length - 2;
        while (low < high) {
          const middle = (low + high + 1) >> 1;
          if (value >= (bins[middle] as number)) low = middle;
          else high = middle - 1;
        }
        counts[low] = (counts[low] as number) + 1;
      }
    }
    return { nonMissingCount: values.length, partitionCounts: counts, belowCount: below, aboveCount: above };
  }
  const reference = (partition.values ?? []).map((value) => normalizeSet([value], column.kind)[0]);
  const position = new Map<unknown, number>();
  reference.forEach((value, i) => {
    if (value !== undefined && !position.has(value)) position.set(value, i);
  });
  const counts = new Array<number>(reference.length).fill(0);
  let outside = 0;
  const outsideValues = new Set<unknown>();
  for (const value of values) {
    const i = position.get(value);
    if (i === undefined) {
      outside++;
      outsideValues.add(value);
    } else counts[i] = (counts[i] as number) + 1;
  }
  return { nonMissingCount: values.length, partitionCounts: counts, outsideCount: outside, outsideDistinct: outsideValues.size };
}
