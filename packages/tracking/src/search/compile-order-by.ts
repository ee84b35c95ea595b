import { attributeColumns, entityTables, runsAlias } from './search-schema.js';
import type { OrderTerm } from './search-types.js';
import type { SqlParams } from './sql-params.js';

// Text sorts by code point, whatever the database's collation: pages stay the same across
// servers, and it is the order MLflow's file store gives.
const textOrder = 'collate "C"';

/**
 * An ORDER BY list over `r` for the given terms, then MLflow's natural order as tie-breakers:
 * start_time DESC (unless ordered already) and run_id, so every page boundary is stable.
 * As in MLflow, runs lacking the value sort last in either direction, and for a metric a NaN
 * sorts after every number but before a missing metric.
 */
export function compileOrderBy(terms: readonly OrderTerm[], params: SqlParams): string {
  const r = runsAlias;
  const parts: string[] = [];
  for (const term of terms) {
    const direction = term.ascending ? 'asc' : 'desc';
    if (term.type === 'attribute') {
      const column = `${r}.${attributeColumns[term.key]}`;
      const numeric = term.key === 'start_time' || term.key === 'end_time';
      parts.push(`${column}${numeric ? '' : ` ${textOrder}`} ${direction} nulls last`);
      continue;
    }
    const { table, alias } = entityTables[term.type];
    const key = `${params.add(term.key)}::text`;
    const row = `from ${table} ${alias} where ${alias}.run_id = ${r}.run_id and ${alias}.key = ${key}`;
    if (term.type === 'metric') {
      // Rank 0: a number, 1: NaN, 2: no such metric; the rank always ascends.
      parts.push(`coalesce((select case when ${alias}.is_nan is true then 1 when ${alias}.value is null then 2 else 0 end ${row}), 2) asc`);
      parts.push(`(select ${alias}.value ${row}) ${direction} nulls last`);
    } else {
      parts.push(`(select ${alias}.value ${row}) ${textOrder} ${direction} nulls last`);
    }
  }
  if (!terms.some((term) => term.type === 'attribute' && term.key === 'start_time')) {
    parts.push(`${r}.start_time desc nulls last`);
  }
  parts.push(`${r}.run_id ${textOrder} asc`);
  return parts.join(', ');
}
