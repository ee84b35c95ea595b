import { MlpError } from '@mlp/core';
import { parseIdentifier } from './identifier-parser.js';
import type { OrderTerm } from './search-types.js';
import { TokenCursor } from './token-cursor.js';

/**
 * Parses MLflow `order_by` items such as `metrics.rmse DESC`, `attributes.start_time`,
 * `params.lr ASC` or `tags."x"`: one identifier, then ASC (the default) or DESC.
 * A key may appear once, as MLflow requires.
 */
export function parseOrderBy(items: readonly string[]): OrderTerm[] {
  if (!Array.isArray(items)) throw new MlpError('INVALID_ARGUMENT', 'order_by must be a list of strings such as ["metrics.rmse DESC"]');
  const seen = new Set<string>();
  return items.map((item, index) => {
    const label = `order_by[${index}]`;
    if (typeof item !== 'string')
      throw new MlpError('INVALID_ARGUMENT', `${label} must be a string, got ${typeof item}`, { details: { index } });
    const cursor = new TokenCursor({ label, text: item, details: { index } });
    if (cursor.peek().kind === 'end') {
      throw cursor.error(0, 'the item is empty: give a key such as metrics.rmse DESC or attributes.start_time');
    }
    const identifier = parseIdentifier(cursor);
    if (identifier.type === 'dataset') {
      throw cursor.error(identifier.start, `${identifier.display} can filter runs but not order them, as in MLflow`);
    }
    let ascending = true;
    const direction = cursor.next();
    if (direction.kind === 'comma') {
      throw cursor.error(direction.start, 'an order_by item holds one key: give each key as its own item');
    }
    if (cursor.isKeyword(direction, 'DESC')) ascending = false;
    else if (!cursor.isKeyword(direction, 'ASC') && direction.kind !== 'end') {
      throw cursor.error(direction.start, `expected ASC, DESC or the end after ${identifier.display}, found ${cursor.describe(direction)}`);
    }
    const rest = direction.kind === 'end' ? direction : cursor.next();
    if (rest.kind !== 'end') {
      throw cursor.error(
        rest.start,
        `expected the end after ${cursor.slice(identifier.start, direction.end)}, found ${cursor.describe(rest)}`,
      );
    }
    const identity = JSON.stringify([identifier.type, identifier.key]);
    if (seen.has(identity)) {
      throw cursor.error(identifier.start, `${identifier.display} is already in order_by: each key may appear once`);
    }
    seen.add(identity);
    return identifier.type === 'attribute'
      ? { type: 'attribute', key: identifier.key, ascending }
      : { type: identifier.type, key: identifier.key, ascending };
  });
}
