import { attributeColumns, entityTables, runsAlias } from './search-schema.js';
import type { FilterClause, NullComparator, NumericComparator } from './search-types.js';
import type { SqlParams } from './sql-params.js';

const sqlComparators: Readonly<Record<NumericComparator | 'LIKE' | 'ILIKE', string>> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  LIKE: 'like',
  ILIKE: 'ilike',
};

/** A boolean SQL expression over `r` (tracking_runs) that is true for the runs matching every clause. */
export function compileFilter(clauses: readonly FilterClause[], params: SqlParams): string {
  if (clauses.length === 0) return 'true';
  return clauses.map((clause) => compileClause(clause, params)).join(' and ');
}

function compileClause(clause: FilterClause, params: SqlParams): string {
  const r = runsAlias;
  if (clause.type === 'attribute') {
    const column = `${r}.${attributeColumns[clause.key]}`;
    if (clause.comparator === 'IN') return `${column} = any(${params.add(clause.value)}::text[])`;
    if (clause.comparator === 'NOT IN') return `${column} <> all(${params.add(clause.value)}::text[])`;
    if (typeof clause.value === 'number') {
      // numeric keeps the comparison exact for any literal against the bigint column.
      return `${column} ${sqlComparators[clause.comparator]} ${params.add(clause.value)}::numeric`;
    }
    // A missing value (NULL end_time or name) matches nothing, as in MLflow.
    return `${column} ${sqlComparators[clause.comparator]} ${params.add(clause.value)}`;
  }

  const { table, alias } = entityTables[clause.type];
  const rows = `select 1 from ${table} ${alias} where ${alias}.run_id = ${r}.run_id and ${alias}.key = ${params.add(clause.key)}`;
  if (isNullCheck(clause)) return clause.comparator === 'IS NULL' ? `not exists (${rows})` : `exists (${rows})`;

  if (clause.type === 'metric') {
    const value = `${params.add(clause.value)}::double precision`;
    // A NaN metric (value NULL, is_nan true) differs from every number and equals none, like
    // IEEE and MLflow's file store; a run without the metric matches no condition on it.
    if (clause.comparator === '!=') return `exists (${rows} and (${alias}.is_nan is true or ${alias}.value <> ${value}))`;
    return `exists (${rows} and ${alias}.is_nan is not true and ${alias}.value ${sqlComparators[clause.comparator]} ${value})`;
  }
  // A run without the param or tag matches no comparison on it, not even !=, as in MLflow.
  return `exists (${rows} and ${alias}.value ${sqlComparators[clause.comparator]} ${params.add(clause.value)})`;
}

function isNullCheck(clause: FilterClause): clause is Extract<FilterClause, { comparator: NullComparator }> {
  return clause.comparator === 'IS NULL' || clause.comparator === 'IS NOT NULL';
}
