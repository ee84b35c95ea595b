import type { Expectation } from '../suite/suite.js';
import type { Severity } from '../suite/suite-schema.js';
import type { ColumnInfo, ResultValue } from '../values.js';

/** How many unexpected values (and row indexes) a result carries at most. */
export const PARTIAL_UNEXPECTED_LIMIT = 20;

export interface UnexpectedValueCount {
  value: ResultValue;
  count: number;
}

/** The outcome of one expectation (Great Expectations' ExpectationValidationResult, camelCased). */
export interface ExpectationResult {
  /** Position in the suite. */
  index: number;
  type: Expectation['type'];
  args: Record<string, unknown>;
  severity: Severity;
  meta?: Record<string, unknown>;
  success: boolean;
  /** The statistic compared (aggregates, table expectations). */
  observedValue?: unknown;
  /** Rows seen (map expectations). */
  elementCount?: number;
  /** Rows left out of the denominator: missing values (null, NaN), or rows `ignoreRowIf` skips. */
  missingCount?: number;
  missingPercent?: number | null;
  unexpectedCount?: number;
  /** Unexpected rows among those considered, in percent; null when none were considered. */
  unexpectedPercent?: number | null;
  /** Unexpected rows among all rows, in percent; null for an empty table. */
  unexpectedPercentTotal?: number | null;
  /** The first unexpected values in row order, with their 0-based row indexes (failed expectations only). */
  partialUnexpectedList?: ResultValue[];
  partialUnexpectedIndexList?: number[];
  /** The most frequent unexpected values with their counts over all rows (failed expectations only). */
  partialUnexpectedCounts?: UnexpectedValueCount[];
  /** Why it failed, when a number alone does not say (a missing column, no values to aggregate). */
  message?: string;
  /** Set when evaluating the expectation threw: it failed, and the rest of the suite still ran. */
  exception?: { message: string; code?: string };
}

export interface ValidationStatistics {
  evaluated: number;
  successful: number;
  unsuccessful: number;
  successPercent: number | null;
}

export interface ValidationResult {
  suiteName: string;
  /** True when no error-severity expectation failed: warnings never fail a suite. */
  success: boolean;
  statistics: ValidationStatistics;
  results: ExpectationResult[];
  rowCount: number;
  columns: ColumnInfo[];
  engine: string;
  /** What was validated (a file path, a table name, `rows`). */
  source: string;
  startedAt: string;
  durationMs: number;
}

/** Statistics and suite success from the expectation results. */
export function summarize(results: readonly ExpectationResult[]): { success: boolean; statistics: ValidationStatistics } {
  const successful = results.filter((result) => result.success).length;
  return {
    success: results.every((result) => result.success || result.severity === 'warn'),
    statistics: {
      evaluated: results.length,
      successful,
      unsuccessful: results.length - successful,
      successPercent: results.length === 0 ? null : (successful / results.length) * 100,
    },
  };
}

/** The failed expectations that fail the suite (error severity). */
export function failedErrors(result: ValidationResult): ExpectationResult[] {
  return result.results.filter((entry) => !entry.success && entry.severity === 'error');
}
