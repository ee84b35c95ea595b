import type { DatasetField, EntityType, RunAttribute } from './search-types.js';
import { entityPrefixes, resolveAttribute, validAttributesText } from './search-vocabulary.js';
import type { TokenCursor } from './token-cursor.js';
import type { Token } from './tokenizer.js';

export type ParsedIdentifier =
  | { type: 'metric' | 'param' | 'tag'; key: string; start: number; end: number; display: string }
  | { type: 'attribute'; key: RunAttribute; start: number; end: number; display: string }
  | { type: 'dataset'; key: DatasetField; start: number; end: number; display: string };

const datasetFields: ReadonlySet<string> = new Set(['name', 'digest', 'context']);

const identifierHint = 'an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>';
// Read as keywords, not attribute names, where an identifier should start (`a = 'x' and and ...`).
const keywords: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL', 'ASC', 'DESC']);
const prefixList = 'metrics, params, tags, attributes (or metric, param, parameter, parameters, tag, attribute, attr, run)';

/**
 * Reads `prefix.key` or a bare attribute name. The key is everything after the first dot:
 * name parts joined by dots (tags.mlflow.runName), or one double-quoted or backticked name
 * (metrics."my metric", params.`a b`), as in MLflow.
 */
export function parseIdentifier(cursor: TokenCursor): ParsedIdentifier {
  const first = cursor.next();
  if (first.kind !== 'word' && first.kind !== 'backtick') {
    throw cursor.error(first.start, `expected ${identifierHint}, found ${cursor.describe(first)}`);
  }
  const dot = cursor.peek();
  if (dot.kind !== 'dot' || dot.start !== first.end) {
    if (first.kind === 'word' && keywords.has(first.text.toUpperCase())) {
      throw cursor.error(first.start, `expected ${identifierHint}, found ${cursor.describe(first)}`);
    }
    // No prefix: MLflow reads a bare name (or `run name`) as an attribute.
    return attributeIdentifier(cursor, first.value, first, first, first, true);
  }

  const prefix = entityPrefixes.get(first.value);
  if (prefix === undefined) {
    throw cursor.error(first.start, `unknown entity type '${first.value}': use ${prefixList}`);
  }
  cursor.next();
  const { key, keyToken, last } = parseKey(cursor, cursor.slice(first.start, dot.end), dot.end);
  if (prefix === 'attribute') return attributeIdentifier(cursor, key, first, keyToken, last, false);
  if (prefix === 'dataset') {
    if (!datasetFields.has(key))
      throw cursor.error(keyToken.start, `unknown dataset field '${key}': use ${first.value}.name, .digest or .context`);
    return { type: 'dataset', key: key as DatasetField, start: first.start, end: last.end, display: cursor.slice(first.start, last.end) };
  }
  const type: Exclude<EntityType, 'attribute'> = prefix;
  return { type, key, start: first.start, end: last.end, display: cursor.slice(first.start, last.end) };
}

function parseKey(cursor: TokenCursor, prefixText: string, keyPosition: number): { key: string; keyToken: Token; last: Token } {
  const keyToken = cursor.next();
  if (keyToken.start !== keyPosition) {
    throw cursor.error(keyPosition, `expected a key right after '${prefixText}', found ${cursor.describe(keyToken)}`);
  }
  if (keyToken.kind === 'backtick' || (keyToken.kind === 'string' && keyToken.quote === '"')) {
    if (keyToken.value === '') throw cursor.error(keyToken.start, `the key after '${prefixText}' is empty`);
    const after = cursor.peek();
    if (after.kind === 'dot' && after.start === keyToken.end) {
      throw cursor.error(after.start, `a quoted key must be the whole key: write ${prefixText}"a.b" rather than ${prefixText}"a".b`);
    }
    return { key: keyToken.value, keyToken, last: keyToken };
  }
  if (keyToken.kind === 'string') {
    throw cursor.error(keyToken.start, `quote keys with double quotes or backticks (${prefixText}"my key"), not single quotes`);
  }
  if (keyToken.kind !== 'word') {
    throw cursor.error(keyToken.start, `expected a key after '${prefixText}', found ${cursor.describe(keyToken)}`);
  }
  let last = keyToken;
  let key = keyToken.text;
  for (;;) {
    const dot = cursor.peek();
    if (dot.kind !== 'dot' || dot.start !== last.end) break;
    cursor.next();
    const part = cursor.next();
    if (part.kind !== 'word' || part.start !== dot.end) {
      throw cursor.error(
        dot.end,
        `expected the rest of the key after '${cursor.slice(keyToken.start, dot.end)}', found ${cursor.describe(part)}`,
      );
    }
    key += `.${part.text}`;
    last = part;
  }
  return { key, keyToken, last };
}

function attributeIdentifier(
  cursor: TokenCursor,
  name: string,
  first: Token,
  keyToken: Token,
  last: Token,
  bare: boolean,
): ParsedIdentifier {
  const attribute = resolveAttribute(name);
  if (attribute === undefined) {
    const hint = bare ? ` (for a metric, param or tag write metrics.${name}, params.${name} or tags.${name})` : '';
    throw cursor.error(keyToken.start, `unknown attribute '${name}': valid attributes are ${validAttributesText}${hint}`);
  }
  return { type: 'attribute', key: attribute, start: first.start, end: last.end, display: cursor.slice(first.start, last.end) };
}
