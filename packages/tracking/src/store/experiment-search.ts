import { SqlParams } from '../search/sql-params.js';
import { TokenCursor } from '../search/token-cursor.js';
import type { Token } from '../search/tokenizer.js';

/**
 * MLflow's experiment search (`SearchExperimentsUtils`): conditions joined by AND on the attributes
 * `name` (=, !=, LIKE, ILIKE), `creation_time` and `last_update_time` (=, !=, <, <=, >, >=) and on
 * `tags.<key>` (=, !=, LIKE, ILIKE; the tag must exist); `order_by` on `name`, `experiment_id`,
 * `creation_time` or `last_update_time`, ASC or DESC, by default `creation_time DESC, experiment_id ASC`,
 * with `experiment_id DESC` appended as a tie-breaker when absent, as MLflow orders.
 */

type Clause =
  | { type: 'tag'; key: string; comparator: string; value: string }
  | { type: 'attribute'; key: 'name'; comparator: string; value: string }
  | { type: 'attribute'; key: 'creation_time' | 'last_update_time'; comparator: string; value: number };

const attributePrefixes = new Set(['attribute', 'attributes', 'attr']);
const tagPrefixes = new Set(['tag', 'tags']);
const numericAttributes = new Set(['creation_time', 'last_update_time']);
const filterAttributes = ['name', 'creation_time', 'last_update_time'];
const orderAttributes = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const stringComparators = ['=', '!=', 'LIKE', 'ILIKE'];
const numericComparators = ['=', '!=', '<', '<=', '>', '>='];

/** `prefix.key`, a bare attribute name, or a quoted key (`tags."my key"`, ``attributes.`name` ``). */
function readIdentifier(cursor: TokenCursor): { type: 'tag' | 'attribute'; key: string; start: number } {
  const first = cursor.next();
  const nameOf = (token: Token) =>
    token.kind === 'word' || token.kind === 'backtick' || (token.kind === 'string' && token.quote === '"') ? token.value : undefined;
  const firstName = nameOf(first);
  if (firstName === undefined) {
    throw cursor.error(first.start, `expected an identifier such as name, creation_time or tags.<key>, found ${cursor.describe(first)}`);
  }
  const dot = cursor.peek();
  if (dot.kind !== 'dot' || dot.start !== first.end) return { type: 'attribute', key: firstName, start: first.start };
  const type = tagPrefixes.has(firstName) ? 'tag' : attributePrefixes.has(firstName) ? 'attribute' : undefined;
  if (type === undefined) throw cursor.error(first.start, `unknown entity type '${firstName}': use tags or attributes`);
  cursor.next();
  const keyToken = cursor.next();
  let key = nameOf(keyToken);
  if (key === undefined || key === '') throw cursor.error(keyToken.start, `expected a key after '${firstName}.'`);
  let last = keyToken;
  while (keyToken.kind === 'word' && cursor.peek().kind === 'dot' && cursor.peek().start === last.end) {
    cursor.next();
    const part = cursor.next();
    if (part.kind !== 'word') throw cursor.error(part.start, `expected the rest of the key '${key}.'`);
    key += `.${part.text}`;
    last = part;
  }
  return { type, key, start: first.start };
}

function readComparator(cursor: TokenCursor): string {
  const token = cursor.next();
  if (token.kind === 'operator' && numericComparators.includes(token.text)) return token.text;
  if (cursor.isKeyword(token, 'LIKE') || cursor.isKeyword(token, 'ILIKE')) return token.text.toUpperCase();
  throw cursor.error(
    token.start,
    `expected a comparator (${[...numericComparators, 'LIKE', 'ILIKE'].join(', ')}), found ${cursor.describe(token)}`,
  );
}

function readClause(cursor: TokenCursor): Clause {
  const { type, key, start } = readIdentifier(cursor);
  if (type === 'attribute' && !filterAttributes.includes(key)) {
    throw cursor.error(start, `invalid attribute key '${key}': valid keys are ${filterAttributes.join(', ')}`);
  }
  const at = cursor.peek().start;
  const comparator = readComparator(cursor);
  const value = cursor.next();
  if (type === 'attribute' && numericAttributes.has(key)) {
    if (!numericComparators.includes(comparator)) throw cursor.error(at, `invalid comparator for numeric attribute ${key}: ${comparator}`);
    if (value.kind !== 'number' || !Number.isSafeInteger(Number(value.text))) {
      throw cursor.error(value.start, `expected an integer (epoch milliseconds) to compare with ${key}, found ${cursor.describe(value)}`);
    }
    return { type, key: key as 'creation_time', comparator, value: Number(value.text) };
  }
  if (!stringComparators.includes(comparator)) {
    throw cursor.error(
      at,
      `invalid comparator for ${type === 'tag' ? 'tag' : 'string attribute'} ${key}: ${comparator} (use =, !=, LIKE or ILIKE)`,
    );
  }
  if (value.kind !== 'string')
    throw cursor.error(value.start, `expected a quoted string to compare with ${key}, found ${cursor.describe(value)}`);
  return type === 'tag' ? { type, key, comparator, value: value.value } : { type, key: 'name', comparator, value: value.value };
}

export function parseExperimentFilter(text: string | undefined): Clause[] {
  return new TokenCursor({ label: 'filter', text: text ?? '' }).readAndJoined(readClause);
}

export function parseExperimentOrderBy(items: readonly string[]): { key: string; ascending: boolean }[] {
  const terms = items.map((item, index) => {
    const cursor = new TokenCursor({ label: `order_by[${index}]`, text: item, details: { index } });
    const { type, key, start } = readIdentifier(cursor);
    if (type !== 'attribute' || !orderAttributes.includes(key)) {
      throw cursor.error(start, `invalid order_by key: experiments can be ordered by ${orderAttributes.join(', ')}`);
    }
    const direction = cursor.next();
    const ascending = !cursor.isKeyword(direction, 'DESC');
    if (direction.kind !== 'end' && !cursor.isKeyword(direction, 'ASC') && ascending) {
      throw cursor.error(direction.start, `expected ASC, DESC or the end, found ${cursor.describe(direction)}`);
    }
    const rest = direction.kind === 'end' ? direction : cursor.next();
    if (rest.kind !== 'end') throw cursor.error(rest.start, `expected the end, found ${cursor.describe(rest)}`);
    return { key, ascending };
  });
  const ordered =
    terms.length > 0
      ? terms
      : [
          { key: 'creation_time', ascending: false },
          { key: 'experiment_id', ascending: true },
        ];
  if (!ordered.some((term) => term.key === 'experiment_id')) ordered.push({ key: 'experiment_id', ascending: false });
  return ordered;
}

/** The SQL `where` conditions (on table alias `e`) and `order by` list; values travel as parameters after `offset`. */
export function compileExperimentSearch(filter: string | undefined, orderBy: readonly string[], offset: number) {
  const params = new SqlParams(offset);
  const operator = (comparator: string) => (comparator === '!=' ? '<>' : comparator);
  const conditions = parseExperimentFilter(filter).map((clause) => {
    if (clause.type === 'tag') {
      return `exists (select 1 from tracking_experiment_tags t where t.experiment_id = e.experiment_id and t.key = ${params.add(clause.key)} and t.value ${operator(clause.comparator)} ${params.add(clause.value)})`;
    }
    return `e.${clause.key} ${operator(clause.comparator)} ${params.add(clause.value)}`;
  });
  const order = parseExperimentOrderBy(orderBy).map((term) => `e.${term.key} ${term.ascending ? 'asc' : 'desc'}`);
  return { conditions, order, params: params.values };
}
