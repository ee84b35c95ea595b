import { plural } from '@mlp/core';
import { formatPercent } from '../report/format-percent.js';
import type { ValidationResult } from '../result/validation-result.js';

const json = (value: unknown) => JSON.stringify(value);

/** The terminal summary of a validation: the verdict, the statistics, then each failed expectation on a line. */
export function humanSummary(result: ValidationResult & { validationId?: string }, report?: string): string {
  const { statistics } = result;
  const lines = [
    `${result.success ? 'PASSED' : 'FAILED'} ${result.suiteName} on ${result.source}: ${statistics.successful} of ${statistics.evaluated} expectations met (${(statistics.successPercent ?? 100).toFixed(1)}%), ${plural(result.rowCount, 'row')} in ${Math.round(result.durationMs)} ms`,
  ];
  for (const entry of result.results
    .filter((item) => !item.success)
    .sort((a, b) => (a.severity === b.severity ? a.index - b.index : a.severity === 'error' ? -1 : 1))) {
    const column = typeof entry.args.column === 'string' ? ` ${entry.args.column}` : '';
    const detail =
      entry.exception?.message ??
      entry.message ??
      (entry.unexpectedCount !== undefined
        ? `${entry.unexpectedCount.toLocaleString('en-US')} unexpected (${formatPercent(entry.unexpectedPercent)}), e.g. ${json(entry.partialUnexpectedCounts?.slice(0, 3).map((item) => item.value) ?? [])}`
        : `observed ${json(entry.observedValue)}`);
    lines.push(`  ${entry.severity === 'error' ? '✗' : '!'} #${entry.index} ${entry.type}${column}: ${detail}`);
  }
  if (report) lines.push(`report: ${report}`);
  if (result.validationId) lines.push(`stored as validation ${result.validationId}`);
  return lines.join('\n');
}
