import { MlpError } from '@mlp/core';
import { likeMatches } from './like-pattern.js';

/** One `key op 'value'` clause of an MLflow registry search filter; tag clauses have key `tags.<tag>`. */
export interface FilterClause {
  key: string;
  operator: '=' | '!=' | 'LIKE' | 'ILIKE';
  value: string;
}

const clausePattern =
  /^\s*(?:(tags?)\.(?:`([^`]+)`|"([^"]+)"|([\w.]+))|(?:(?:attributes?|attr)\.)?([A-Za-z_]\w*))\s*(=|!=|LIKE|ILIKE)\s*'((?:[^']|'')*)'\s*$/i;

/** As many clauses as a runs search takes (the tracking search's cap). */
const maxFilterClauses = 100;

/**
 * The subset of MLflow's registry filter syntax mlp serves: clauses `key = 'v'`, `key != 'v'`,
 * `key LIKE 'pattern'`, `key ILIKE 'pattern'` joined by AND, for the keys each search allows and
 * for `tags.<key>` (also `tags.\`my key\``), which match only items that have the tag, as in MLflow.
 */
export function parseRegistryFilter(filter: string | undefined, allowedKeys: readonly string[]): FilterClause[] {
  if (!filter || filter.trim() === '') return [];
  const texts = filter.split(/\s+AND\s+/i);
  if (texts.length > maxFilterClauses)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The filter has ${texts.length} clauses; a search takes at most ${maxFilterClauses}. Narrow it, or search in steps.`,
    );
  return texts.map((text) => {
    const match = clausePattern.exec(text);
    const operator = match?.[6];
    const value = match?.[7];
    if (!match || !operator || value === undefined) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid filter ${JSON.stringify(filter)}: mlp supports clauses like name = 'x', name LIKE '%x%' or tags.team = 'x' joined by AND.`,
      );
    }
    const tag = match[2] ?? match[3] ?? match[4];
    const key = match[1] ? `tags.${tag}` : (match[5] ?? '').toLowerCase();
    if (!match[1] && !allowedKeys.includes(key))
      throw new MlpError('INVALID_ARGUMENT', `Invalid filter key '${match[5]}': use ${allowedKeys.join(', ')} or tags.<key>.`);
    return { key, operator: operator.toUpperCase() as FilterClause['operator'], value: value.replace(/''/g, "'") };
  });
}

/** Whether `text` matches a clause (LIKE patterns with % and _, case-sensitive unless ILIKE). */
export function matchesClause(text: string | null, clause: FilterClause): boolean {
  if (text === null) return false;
  if (clause.operator === '=') return text === clause.value;
  if (clause.operator === '!=') return text !== clause.value;
  return likeMatches(text, clause.value, clause.operator === 'ILIKE');
}
