import { attributeColumns, entityTables, runsAlias } from './search-schema.js';
import type { FilterClause } from './search-types.js';
import type { SqlParams } from './sql-params.js';

const sqlComparators = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  LIKE: 'like',
  ILIKE: 'ilike',
} as const;

type AttributeClause = Extract<FilterClause, { type: 'attribute' }>;
type DatasetClause = Extract<FilterClause, { type: 'dataset' }>;
type EntityClause = Exclude<FilterClause, { type: 'attribute' | 'dataset' }>;
type EntityType = EntityClause['type'];

/**
 * Up to this many metric, param and tag conditions compile to one EXISTS each, which PostgreSQL
 * turns into semi-joins (the fastest plan for a few conditions over many runs); its join search
 * grows exponentially with their number, so more are checked in one subquery per kind.
 */
export const existsClausesMax = 3;

/**
 * A boolean SQL expression over `r` (tracking_runs) that is true for the runs matching every clause.
 *
 * Beyond `existsClausesMax`, the metric, param and tag clauses are checked by one correlated
 * subquery per kind, whatever their number: the clauses travel as arrays, so the SQL text and the
 * plan stay the same size. One EXISTS per clause made PostgreSQL plan a join of every one of them
 * (50 clauses took 18 s to plan, 100 over 100 s); this plans in a millisecond and runs one index
 * probe per clause and run.
 */
export function compileFilter(clauses: readonly FilterClause[], params: SqlParams): string {
  if (clauses.length === 0) return 'true';
  const entityClauses = clauses.filter((clause): clause is EntityClause => clause.type !== 'attribute' && clause.type !== 'dataset');
  const datasetClauses = clauses.filter((clause): clause is DatasetClause => clause.type === 'dataset');
  // Dataset conditions are semi-joins too: they count towards the planner's join search.
  if (entityClauses.length + datasetClauses.length <= existsClausesMax) {
    return clauses
      .map((clause) =>
        clause.type === 'attribute'
          ? compileAttribute(clause, params)
          : clause.type === 'dataset'
            ? compileDataset(clause, params)
            : compileExists(clause, params),
      )
      .join(' and ');
  }
  const parts = clauses
    .filter((clause): clause is AttributeClause => clause.type === 'attribute')
    .map((clause) => compileAttribute(clause, params));
  if (datasetClauses.length > 0) parts.push(compileDatasetClauses(datasetClauses, params));
  for (const type of ['metric', 'param', 'tag'] as const) {
    const ofType = entityClauses.filter((clause) => clause.type === type);
    if (ofType.length > 0) parts.push(compileEntityClauses(type, ofType, params));
  }
  return parts.join(' and ');
}

function compileExists(clause: EntityClause, params: SqlParams): string {
  const { table, alias: a } = entityTables[clause.type];
  const rows = `select 1 from ${table} ${a} where ${a}.run_id = ${runsAlias}.run_id and ${a}.key = ${params.add(clause.key)}`;
  if (!('value' in clause)) return clause.comparator === 'IS NULL' ? `not exists (${rows})` : `exists (${rows})`;
  if (clause.type === 'metric') {
    const value = `${params.add(clause.value)}::double precision`;
    // As metricTest: a NaN differs from every number and equals none.
    if (clause.comparator === '!=') return `exists (${rows} and (${a}.is_nan is true or ${a}.value <> ${value}))`;
    return `exists (${rows} and ${a}.is_nan is not true and ${a}.value ${sqlComparators[clause.comparator]} ${value})`;
  }
  return `exists (${rows} and ${a}.value ${sqlComparators[clause.comparator]} ${params.add(clause.value)})`;
}

const datasetRows = `select 1 from tracking_dataset_inputs d where d.run_id = ${runsAlias}.run_id`;

/** MLflow's `datasets.<field>`: the run logged some dataset input whose name, digest or context matches. */
function compileDataset(clause: DatasetClause, params: SqlParams): string {
  return `exists (${datasetRows} and ${datasetTest(clause, params)})`;
}

/**
 * Many dataset conditions in one correlated subquery over the run's inputs, one `bool_or` each (an
 * input must match each condition, not necessarily the same input): no join per condition to plan.
 */
function compileDatasetClauses(clauses: readonly DatasetClause[], params: SqlParams): string {
  const tests = clauses.map((clause) => `bool_or(${datasetTest(clause, params)})`);
  return `coalesce((select ${tests.join(' and ')} from tracking_dataset_inputs d where d.run_id = ${runsAlias}.run_id), false)`;
}

function datasetTest(clause: DatasetClause, params: SqlParams): string {
  const column = `d.${clause.key}`;
  if (clause.comparator === 'IN') return `${column} = any(${params.add(clause.value)}::text[])`;
  if (clause.comparator === 'NOT IN') return `${column} <> all(${params.add(clause.value)}::text[])`;
  return `${column} ${sqlComparators[clause.comparator]} ${params.add(clause.value)}`;
}

function compileAttribute(clause: AttributeClause, params: SqlParams): string {
  const column = `${runsAlias}.${attributeColumns[clause.key]}`;
  if (clause.comparator === 'IN') return `${column} = any(${params.add(clause.value)}::text[])`;
  if (clause.comparator === 'NOT IN') return `${column} <> all(${params.add(clause.value)}::text[])`;
  if (typeof clause.value === 'number') {
    // numeric keeps the comparison exact for any literal against the bigint column.
    return `${column} ${sqlComparators[clause.comparator]} ${params.add(clause.value)}::numeric`;
  }
  // A missing value (NULL end_time or name) matches nothing, as in MLflow.
  return `${column} ${sqlComparators[clause.comparator]} ${params.add(clause.value)}`;
}

/**
 * Joins the run's rows of one kind to the list of clauses `c(key, op, value)` by key, and counts the
 * clauses met: each key has at most one row per run, so all are met when the count is the number of
 * clauses that need a row, and no row matches an IS NULL clause.
 */
function compileEntityClauses(type: EntityType, clauses: readonly EntityClause[], params: SqlParams): string {
  const { table, alias: a } = entityTables[type];
  const keys = params.add(clauses.map((clause) => clause.key));
  const ops = params.add(clauses.map((clause) => clause.comparator));
  const values = params.add(clauses.map((clause) => ('value' in clause ? clause.value : null)));
  const valueType = type === 'metric' ? 'double precision' : 'text';
  const needRow = params.add(clauses.filter((clause) => clause.comparator !== 'IS NULL').length);
  return (
    `(select count(*) filter (where ${type === 'metric' ? metricTest(a) : textTest(a)}) = ${needRow}::bigint` +
    ` and count(*) filter (where c.op = 'IS NULL') = 0` +
    ` from ${table} ${a} join unnest(${keys}::text[], ${ops}::text[], ${values}::${valueType}[]) as c(key, op, value) on c.key = ${a}.key` +
    ` where ${a}.run_id = ${runsAlias}.run_id)`
  );
}

// A run without the param or tag matches no comparison on it, not even !=, as in MLflow.
function textTest(a: string): string {
  const when = (['=', '!=', 'LIKE', 'ILIKE'] as const).map((op) => `when '${op}' then ${a}.value ${sqlComparators[op]} c.value`);
  return `case c.op ${when.join(' ')} when 'IS NOT NULL' then true else false end`;
}

// A NaN metric (value NULL, is_nan true) differs from every number and equals none, like IEEE and
// MLflow's file store; a run without the metric matches no condition on it.
function metricTest(a: string): string {
  const when = (['=', '>', '>=', '<', '<='] as const).map(
    (op) => `when '${op}' then ${a}.is_nan is not true and ${a}.value ${sqlComparators[op]} c.value`,
  );
  return `case c.op ${when.join(' ')} when '!=' then ${a}.is_nan is true or ${a}.value <> c.value else false end`;
}
