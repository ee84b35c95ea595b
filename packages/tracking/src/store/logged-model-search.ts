import { MlpError } from '@mlp/core';
import { SqlParams } from '../search/sql-params.js';
import { TokenCursor } from '../search/token-cursor.js';
import type { Token } from '../search/tokenizer.js';
import type { LoggedModelOrder, SearchLoggedModelsInput } from './tracking-store.js';

/**
 * MLflow's logged-model search (`mlflow/utils/search_logged_model_utils.py`): conditions joined by
 * AND on attributes (`name`, `model_id`, `model_type`, `status`, `source_run_id` with =, !=, LIKE,
 * ILIKE, IN, NOT IN; `creation_timestamp` and `last_updated_timestamp` with =, !=, <, <=, >, >=), on
 * `params.<key>` and `tags.<key>` (string comparators) and on `metrics.<key>` (numeric comparators,
 * any linked point matches). Ordering by attributes or `metrics.<key>` (its latest point), newest first
 * by default.
 */

type Entity = 'attribute' | 'metric' | 'param' | 'tag';
interface Clause {
  entity: Entity;
  key: string;
  comparator: string;
  value: string | number | string[];
}

const prefixes = new Map<string, Entity>([
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
]);
/** Attribute names and aliases to their columns (on table alias `m`). */
const attributes = new Map<string, string>([
  ['name', 'name'],
  ['model_id', 'model_id'],
  ['model_type', 'model_type'],
  ['status', 'status'],
  ['source_run_id', 'source_run_id'],
  ['creation_timestamp', 'creation_timestamp_ms'],
  ['creation_time', 'creation_timestamp_ms'],
  ['creation_timestamp_ms', 'creation_timestamp_ms'],
  ['last_updated_timestamp', 'last_updated_timestamp_ms'],
  ['last_updated_time', 'last_updated_timestamp_ms'],
  ['last_updated_timestamp_ms', 'last_updated_timestamp_ms'],
]);
const numericColumns = new Set(['creation_timestamp_ms', 'last_updated_timestamp_ms']);
const numericComparators = ['=', '!=', '<', '<=', '>', '>='];
const stringComparators = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
/** MLflow stores the status as its enum; a filter may name it either way. */
const statusNames = new Map([
  ['LOGGED_MODEL_PENDING', 'PENDING'],
  ['LOGGED_MODEL_READY', 'READY'],
  ['LOGGED_MODEL_UPLOAD_FAILED', 'FAILED'],
]);

const nameOf = (token: Token) =>
  token.kind === 'word' || token.kind === 'backtick' || (token.kind === 'string' && token.quote === '"') ? token.value : undefined;

function readIdentifier(cursor: TokenCursor): { entity: Entity; key: string; start: number } {
  const first = cursor.next();
  const firstName = nameOf(first);
  if (firstName === undefined) {
    throw cursor.error(first.start, `expected an identifier such as name, metrics.<key> or params.<key>, found ${cursor.describe(first)}`);
  }
  const dot = cursor.peek();
  if (dot.kind !== 'dot' || dot.start !== first.end) return { entity: 'attribute', key: firstName, start: first.start };
  const entity = prefixes.get(firstName);
  if (entity === undefined) throw cursor.error(first.start, `unknown entity type '${firstName}': use metrics, params, tags or attributes`);
  cursor.next();
  const keyToken = cursor.next();
  let key = nameOf(keyToken);
  if (key === undefined || key === '') throw cursor.error(keyToken.start, `expected a key after '${firstName}.'`);
  let last = keyToken;
  while (keyToken.kind === 'word' && cursor.peek().kind === 'dot' && cursor.peek().start === last.end) {
    cursor.next();
    const part = cursor.next();
    if (part.kind !== 'word' && part.kind !== 'number') throw cursor.error(part.start, `expected the rest of the key '${key}.'`);
    key += `.${part.text}`;
    last = part;
  }
  return { entity, key, start: first.start };
}

function readComparator(cursor: TokenCursor): string {
  const token = cursor.next();
  if (token.kind === 'operator') return token.text === '<>' ? '!=' : token.text === '==' ? '=' : token.text;
  if (cursor.isKeyword(token, 'NOT') && cursor.isKeyword(cursor.peek(), 'IN')) {
    cursor.next();
    return 'NOT IN';
  }
  for (const keyword of ['LIKE', 'ILIKE', 'IN']) if (cursor.isKeyword(token, keyword)) return keyword;
  throw cursor.error(token.start, `expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN), found ${cursor.describe(token)}`);
}

function readStringList(cursor: TokenCursor): string[] {
  const open = cursor.next();
  if (open.kind !== 'lparen')
    throw cursor.error(open.start, `expected a parenthesised list of quoted strings, found ${cursor.describe(open)}`);
  const values: string[] = [];
  for (;;) {
    const item = cursor.next();
    if (item.kind !== 'string' || item.quote !== "'")
      throw cursor.error(item.start, `expected a quoted string, found ${cursor.describe(item)}`);
    values.push(item.value);
    const after = cursor.next();
    if (after.kind === 'rparen') return values;
    if (after.kind !== 'comma') throw cursor.error(after.start, `expected ',' or ')', found ${cursor.describe(after)}`);
  }
}

function readClause(cursor: TokenCursor): Clause {
  const { entity, key, start } = readIdentifier(cursor);
  const column = entity === 'attribute' ? attributes.get(key) : undefined;
  if (entity === 'attribute' && column === undefined) {
    throw cursor.error(start, `invalid attribute '${key}': valid attributes are ${[...attributes.keys()].join(', ')}`);
  }
  const at = cursor.peek().start;
  const comparator = readComparator(cursor);
  const numeric = entity === 'metric' || (column !== undefined && numericColumns.has(column));
  const allowed = numeric ? numericComparators : stringComparators;
  if (!allowed.includes(comparator)) {
    throw cursor.error(
      at,
      `invalid comparator ${comparator} for ${entity === 'attribute' ? key : `${entity}s.${key}`}: use ${allowed.join(', ')}`,
    );
  }
  const resolved = column ?? key;
  if (comparator === 'IN' || comparator === 'NOT IN') {
    const values = readStringList(cursor);
    return { entity, key: resolved, comparator, value: column === 'status' ? values.map((v) => statusNames.get(v) ?? v) : values };
  }
  const value = cursor.next();
  if (numeric) {
    if (value.kind !== 'number')
      throw cursor.error(value.start, `expected a number to compare with ${key}, found ${cursor.describe(value)}`);
    return { entity, key: resolved, comparator, value: Number(value.text) };
  }
  if (value.kind !== 'string' || value.quote !== "'") {
    throw cursor.error(value.start, `expected a quoted string to compare with ${key}, found ${cursor.describe(value)}`);
  }
  return { entity, key: resolved, comparator, value: column === 'status' ? (statusNames.get(value.value) ?? value.value) : value.value };
}

export function parseLoggedModelFilter(text: string | undefined): Clause[] {
  return new TokenCursor({ label: 'filter', text: text ?? '' }).readAndJoined(readClause);
}

function condition(params: SqlParams, left: string, clause: Clause): string {
  if (Array.isArray(clause.value)) return `${clause.comparator === 'IN' ? '' : 'not '}${left} = any(${params.add(clause.value)}::text[])`;
  const operator = clause.comparator === '!=' ? '<>' : clause.comparator;
  return `${left} ${operator} ${params.add(clause.value)}`;
}

/** The datasets a metric condition or order counts points of, as SQL on alias `lm`. */
function datasetCondition(params: SqlParams, datasets: { datasetName: string; datasetDigest?: string | undefined }[]): string {
  if (datasets.length === 0) return 'true';
  const each = datasets.map(
    (dataset) =>
      `(lm.dataset_name = ${params.add(dataset.datasetName)}${dataset.datasetDigest ? ` and lm.dataset_digest = ${params.add(dataset.datasetDigest)}` : ''})`,
  );
  return `(${each.join(' or ')})`;
}

function orderTerm(params: SqlParams, order: LoggedModelOrder, index: number): string {
  const direction = order.ascending === false ? 'desc' : 'asc';
  const column = attributes.get(order.fieldName);
  if (column) return `m.${column} ${direction} nulls last`;
  if (!order.fieldName.startsWith('metrics.') || order.fieldName.length === 'metrics.'.length) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid order_by[${index}].field_name ${JSON.stringify(order.fieldName)}: order by an attribute (${[...attributes.keys()].join(', ')}) or metrics.<key>.`,
    );
  }
  const datasets = order.datasetName ? [{ datasetName: order.datasetName, datasetDigest: order.datasetDigest }] : [];
  // The latest linked point of the key: highest timestamp, then step, as MLflow ranks them.
  const latest = `(select lm.value from tracking_logged_model_metrics lm where lm.model_id = m.model_id and lm.key = ${params.add(order.fieldName.slice('metrics.'.length))} and ${datasetCondition(params, datasets)} order by lm.timestamp desc, lm.step desc limit 1)`;
  return `${latest} ${direction} nulls last`;
}

/** The SQL `where` conditions (on table alias `m`) and `order by` list; values travel as parameters after `offset`. */
export function compileLoggedModelSearch(input: SearchLoggedModelsInput, offset: number) {
  const params = new SqlParams(offset);
  const datasets = input.datasets ?? [];
  if (datasets.some((dataset) => !dataset.datasetName)) {
    throw new MlpError('INVALID_ARGUMENT', '`dataset_name` in the `datasets` clause must be specified.');
  }
  const clauses = parseLoggedModelFilter(input.filter);
  const conditions = clauses.map((clause) => {
    if (clause.entity === 'attribute') return condition(params, `m.${clause.key}`, clause);
    if (clause.entity === 'metric') {
      const key = params.add(clause.key);
      return `exists (select 1 from tracking_logged_model_metrics lm where lm.model_id = m.model_id and lm.key = ${key} and ${condition(params, 'lm.value', clause)} and ${datasetCondition(params, datasets)})`;
    }
    const table = clause.entity === 'param' ? 'tracking_logged_model_params' : 'tracking_logged_model_tags';
    return `exists (select 1 from ${table} x where x.model_id = m.model_id and x.key = ${params.add(clause.key)} and ${condition(params, 'x.value', clause)})`;
  });
  // With datasets but no metric condition, MLflow keeps models with any point on those datasets.
  if (datasets.length > 0 && !clauses.some((clause) => clause.entity === 'metric')) {
    conditions.push(
      `exists (select 1 from tracking_logged_model_metrics lm where lm.model_id = m.model_id and ${datasetCondition(params, datasets)})`,
    );
  }
  const order = (input.orderBy ?? []).map((term, index) => orderTerm(params, term, index));
  if (!order.some((term) => term.startsWith('m.creation_timestamp_ms'))) order.push('m.creation_timestamp_ms desc');
  order.push('m.model_id asc');
  return { conditions, order, params: params.values };
}
