import { MlpError } from '@mlp/core';

/** One `key op 'value'` clause of an MLflow registry search filter. */
export interface FilterClause {
  key: string;
  operator: '=' | '!=' | 'LIKE' | 'ILIKE';
  value: string;
}

const clausePattern = /^\s*([A-Za-z_][\w.]*)\s*(=|!=|LIKE|ILIKE)\s*'((?:[^']|'')*)'\s*$/i;

/**
 * The subset of MLflow's registry filter syntax mlp serves: clauses `key = 'v'`, `key != 'v'`,
 * `key LIKE 'pattern'`, `key ILIKE 'pattern'` joined by AND, for the keys each search allows.
 */
export function parseRegistryFilter(filter: string | undefined, allowedKeys: readonly string[]): FilterClause[] {
  if (!filter || filter.trim() === '') return [];
  return filter.split(/\s+AND\s+/i).map((text) => {
    const match = clausePattern.exec(text);
    if (!match?.[1] || !match[2] || match[3] === undefined) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid filter ${JSON.stringify(filter)}: mlp supports clauses like name = 'x' or name LIKE '%x%' joined by AND.`,
      );
    }
    const key = match[1].toLowerCase();
    if (!allowedKeys.includes(key))
      throw new MlpError('INVALID_ARGUMENT', `Invalid filter key '${match[1]}': use ${allowedKeys.join(', ')}.`);
    return { key, operator: match[2].toUpperCase() as FilterClause['operator'], value: match[3].replace(/''/g, "'") };
  });
}

/** Whether `text` matches a clause (LIKE patterns with % and _, case-sensitive unless ILIKE). */
export function matchesClause(text: string | null, clause: FilterClause): boolean {
  if (text === null) return false;
  if (clause.operator === '=') return text === clause.value;
  if (clause.operator === '!=') return text !== clause.value;
  const source = clause.value
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${source}$`, clause.operator === 'ILIKE' ? 'is' : 's').test(text);
}
