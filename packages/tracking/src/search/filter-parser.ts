import { MlpError } from '@mlp/core';
import { type ParsedIdentifier, parseIdentifier } from './identifier-parser.js';
import type { Comparator, FilterClause, ListComparator, NullComparator, NumericComparator, StringComparator } from './search-types.js';
import { allComparatorsText, isNumericAttribute, numericComparatorsText } from './search-vocabulary.js';
import { TokenCursor } from './token-cursor.js';
import type { Token } from './tokenizer.js';

/**
 * The most conditions a filter may join. Each costs an index probe per run searched, so the bound
 * keeps one request's work bounded; it equals MLflow's per-request limit of 100 params in log-batch.
 */
export const maxFilterClauses = 100;

/**
 * Parses an MLflow `search_runs` filter: conditions joined by AND, such as
 * `metrics.rmse < 1 and params.model = 'LR' and attributes.status != 'FAILED'`.
 * Empty or blank text is no condition. Errors are INVALID_ARGUMENT with the position.
 *
 * Grammar (keywords case-insensitive):
 *   filter     := [condition (AND condition)*]
 *   condition  := identifier (op value | [I]LIKE string | [NOT] IN '(' string (',' string)* ')' | IS [NOT] NULL)
 *   identifier := prefix '.' key | attribute
 */
export function parseFilter(text: string): FilterClause[] {
  if (typeof text !== 'string') throw new MlpError('INVALID_ARGUMENT', `The filter must be a string, got ${typeof text}`);
  const cursor = new TokenCursor({ label: 'filter', text });
  if (cursor.peek().kind === 'end') return [];
  const clauses: FilterClause[] = [];
  for (;;) {
    const start = cursor.peek().start;
    clauses.push(parseCondition(cursor));
    const token = cursor.next();
    if (token.kind === 'end') return clauses;
    if (cursor.isKeyword(token, 'AND')) {
      if (clauses.length === maxFilterClauses) {
        throw cursor.error(
          cursor.peek().start,
          `a filter may join at most ${maxFilterClauses} conditions: narrow the search with fewer conditions, or filter the returned runs further yourself`,
        );
      }
      continue;
    }
    if (cursor.isKeyword(token, 'OR')) {
      throw cursor.error(token.start, "OR is not supported: MLflow's search syntax joins conditions with AND only");
    }
    const condition = cursor.slice(start, token.start).trimEnd();
    throw cursor.error(token.start, `expected AND or the end of the filter after '${condition}', found ${cursor.describe(token)}`);
  }
}

function parseCondition(cursor: TokenCursor): FilterClause {
  const first = cursor.peek();
  if (first.kind === 'lparen') {
    throw cursor.error(first.start, "parentheses are not supported: MLflow's search syntax is a flat list of conditions joined by AND");
  }
  const identifier = parseIdentifier(cursor);
  const comparatorToken = cursor.peek();
  const comparator = parseComparator(cursor, identifier);
  checkComparator(cursor, identifier, comparator, comparatorToken);

  if ((comparator === 'IS NULL' || comparator === 'IS NOT NULL') && (identifier.type === 'param' || identifier.type === 'tag')) {
    return { type: identifier.type, key: identifier.key, comparator };
  }
  if (comparator === 'IN' || comparator === 'NOT IN') {
    const value = parseStringList(cursor, identifier, comparator);
    return identifier.type === 'dataset'
      ? { type: 'dataset', key: identifier.key, comparator, value }
      : { type: 'attribute', key: 'run_id', comparator, value };
  }
  const valueToken = cursor.next();
  if (identifier.type === 'metric') {
    return {
      type: 'metric',
      key: identifier.key,
      comparator: comparator as NumericComparator,
      value: numberValue(cursor, identifier, valueToken),
    };
  }
  if (identifier.type === 'attribute') {
    const key = identifier.key;
    if (isNumericAttribute(key)) {
      return { type: 'attribute', key, comparator: comparator as NumericComparator, value: numberValue(cursor, identifier, valueToken) };
    }
    return { type: 'attribute', key, comparator: comparator as StringComparator, value: stringValue(cursor, identifier, valueToken) };
  }
  if (identifier.type === 'dataset') {
    return {
      type: 'dataset',
      key: identifier.key,
      comparator: comparator as StringComparator,
      value: stringValue(cursor, identifier, valueToken),
    };
  }
  return {
    type: identifier.type,
    key: identifier.key,
    comparator: comparator as StringComparator,
    value: stringValue(cursor, identifier, valueToken),
  };
}

const symbolComparators: ReadonlySet<string> = new Set(['=', '!=', '>', '>=', '<', '<=']);

function parseComparator(cursor: TokenCursor, identifier: ParsedIdentifier): Comparator {
  const token = cursor.next();
  if (token.kind === 'operator') {
    if (symbolComparators.has(token.text)) return token.text as NumericComparator;
    const instead = token.text === '<>' ? '!=' : '=';
    throw cursor.error(token.start, `'${token.text}' is not a comparator here: use ${instead}`);
  }
  for (const keyword of ['LIKE', 'ILIKE', 'IN'] as const) {
    if (cursor.isKeyword(token, keyword)) return keyword;
  }
  if (cursor.isKeyword(token, 'NOT')) {
    const next = cursor.next();
    if (cursor.isKeyword(next, 'IN')) return 'NOT IN';
    throw cursor.error(next.start, `expected IN after NOT (the only negated comparator is NOT IN), found ${cursor.describe(next)}`);
  }
  if (cursor.isKeyword(token, 'IS')) {
    let next = cursor.next();
    let comparator: NullComparator = 'IS NULL';
    if (cursor.isKeyword(next, 'NOT')) {
      comparator = 'IS NOT NULL';
      next = cursor.next();
    }
    if (cursor.isKeyword(next, 'NULL')) return comparator;
    throw cursor.error(next.start, `expected NULL after ${comparator === 'IS NULL' ? 'IS' : 'IS NOT'}, found ${cursor.describe(next)}`);
  }
  throw cursor.error(
    token.start,
    `expected a comparator (${allComparatorsText}) after ${identifier.display}, found ${cursor.describe(token)}`,
  );
}

/** MLflow's comparator table: which comparator suits which kind of identifier. */
function checkComparator(cursor: TokenCursor, identifier: ParsedIdentifier, comparator: Comparator, token: Token): void {
  const at = token.start;
  const isNull = comparator === 'IS NULL' || comparator === 'IS NOT NULL';
  const isList = comparator === 'IN' || comparator === 'NOT IN';
  const numeric = identifier.type === 'metric' || (identifier.type === 'attribute' && isNumericAttribute(identifier.key));
  if (isNull && identifier.type !== 'param' && identifier.type !== 'tag') {
    throw cursor.error(at, `IS NULL / IS NOT NULL is only supported for tags and params, not ${describeIdentifier(identifier)}`);
  }
  if (numeric && !symbolComparators.has(comparator)) {
    throw cursor.error(
      at,
      `${comparator} cannot compare ${describeIdentifier(identifier)}: numbers compare with ${numericComparatorsText}`,
    );
  }
  if (!numeric && (comparator === '>' || comparator === '>=' || comparator === '<' || comparator === '<=')) {
    const allowed =
      identifier.type === 'attribute'
        ? '=, !=, LIKE, ILIKE (and IN, NOT IN for run_id)'
        : identifier.type === 'dataset'
          ? '=, !=, LIKE, ILIKE, IN, NOT IN'
          : '=, !=, LIKE, ILIKE, IS NULL, IS NOT NULL';
    throw cursor.error(at, `${comparator} cannot compare ${describeIdentifier(identifier)}: strings compare with ${allowed}`);
  }
  if (isList && !(identifier.type === 'attribute' && identifier.key === 'run_id') && identifier.type !== 'dataset') {
    throw cursor.error(
      at,
      `only attributes.run_id can be compared with a list (${comparator}), and datasets.name, .digest, .context; not ${describeIdentifier(identifier)}`,
    );
  }
}

function describeIdentifier(identifier: ParsedIdentifier): string {
  if (identifier.type === 'attribute') {
    return `${isNumericAttribute(identifier.key) ? 'the numeric' : 'the string'} attribute ${identifier.display}`;
  }
  return `${identifier.type === 'param' ? 'the param' : `the ${identifier.type}`} ${identifier.display}`;
}

function numberValue(cursor: TokenCursor, identifier: ParsedIdentifier, token: Token): number {
  if (token.kind === 'number') {
    const value = Number(token.text);
    // Postgres has no literal for what overflows a double; MLflow would read it as infinity.
    if (!Number.isFinite(value)) throw cursor.error(token.start, `the number ${token.text} is out of range`);
    return value;
  }
  throw cursor.error(
    token.start,
    `expected a number to compare with ${describeIdentifier(identifier)}, found ${describeValue(cursor, token)}`,
  );
}

function stringValue(cursor: TokenCursor, identifier: ParsedIdentifier, token: Token): string {
  if (token.kind === 'string') return token.value;
  const hint = token.kind === 'word' || token.kind === 'number' ? ` (quote it: '${token.text}')` : '';
  throw cursor.error(
    token.start,
    `expected a quoted string to compare with ${describeIdentifier(identifier)}, found ${describeValue(cursor, token)}${hint}`,
  );
}

function describeValue(cursor: TokenCursor, token: Token): string {
  if (token.kind === 'string') return `the string ${token.text}`;
  if (token.kind === 'number') return `the number ${token.text}`;
  if (token.kind === 'backtick') return `${token.text} (backticks quote keys; quote values with ' or ")`;
  return cursor.describe(token);
}

function parseStringList(cursor: TokenCursor, identifier: ParsedIdentifier, comparator: ListComparator): string[] {
  const open = cursor.next();
  if (open.kind !== 'lparen') {
    throw cursor.error(
      open.start,
      `expected a parenthesised list of quoted strings after ${identifier.display} ${comparator}, found ${cursor.describe(open)}`,
    );
  }
  const values: string[] = [];
  if (cursor.peek().kind === 'rparen') {
    throw cursor.error(cursor.peek().start, `the list after ${comparator} is empty: give at least one quoted string`);
  }
  for (;;) {
    const item = cursor.next();
    if (item.kind !== 'string') {
      throw cursor.error(item.start, `expected a quoted string in the list after ${comparator}, found ${describeValue(cursor, item)}`);
    }
    values.push(item.value);
    const separator = cursor.next();
    if (separator.kind === 'rparen') return values;
    if (separator.kind !== 'comma') {
      throw cursor.error(separator.start, `expected ',' or ')' in the list after ${comparator}, found ${cursor.describe(separator)}`);
    }
  }
}
