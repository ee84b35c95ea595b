import { invalidParameter } from '../http/http-error.js';

/** What mlp can search experiments by: its store matches names by substring, case-insensitively. */
export type ExperimentFilter = { kind: 'all' } | { kind: 'name-equals'; name: string } | { kind: 'name-contains'; text: string };

const pattern = /^\s*(?:attributes?\.)?(?:name|`name`|"name")\s*(=|ILIKE)\s*'((?:[^']|'')*)'\s*$/i;

/**
 * The subset of MLflow's experiment filter mlp serves: `name = '<name>'` and `name ILIKE '%<text>%'`
 * (what `search_experiments(filter_string=...)` is mostly used for). Inside the quotes `''` is a
 * quote, and `%` or `_` are taken literally. Anything else is refused rather than answered wrongly.
 */
export function parseExperimentFilter(filter: string | undefined): ExperimentFilter {
  if (filter === undefined || filter.trim() === '') return { kind: 'all' };
  const match = pattern.exec(filter);
  const operator = match?.[1]?.toUpperCase();
  const value = match?.[2]?.replaceAll("''", "'");
  if (operator === '=' && value !== undefined) return { kind: 'name-equals', name: value };
  if (operator === 'ILIKE' && value !== undefined && value.length >= 2 && value.startsWith('%') && value.endsWith('%')) {
    const text = value.slice(1, -1);
    if (!text.includes('%')) return { kind: 'name-contains', text };
  }
  throw invalidParameter(
    `Unsupported experiment filter ${JSON.stringify(filter)}: mlp server searches experiments by name = '<name>' or name ILIKE '%<text>%' only.`,
  );
}
