import { type SearchSource, searchSyntaxError } from './search-error.js';

export type TokenKind = 'word' | 'number' | 'string' | 'backtick' | 'dot' | 'operator' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** The exact source text of the token. */
  text: string;
  /** For strings and backticks, the text between the quotes with escapes resolved; otherwise `text`. */
  value: string;
  /** For strings, the quote character used. */
  quote?: "'" | '"';
  start: number;
  end: number;
}

const wordStart = /[\p{L}_]/u;
const wordPart = /[\p{L}\p{N}_]/u;
const digit = /[0-9]/;
const space = /\s/;
// The forms sqlparse (and so MLflow) reads as numbers: 1, -1, 1.5, .5, 1., 1e-3, -2.5E+10.
const numberPattern = /-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const nameKinds: ReadonlySet<TokenKind> = new Set(['word', 'backtick', 'string']);
const operators = ['!=', '<>', '==', '<=', '>=', '<', '>', '='];

/** Splits search text into tokens. Whitespace is dropped; every token keeps its position. */
export function tokenize(source: SearchSource): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  let pos = 0;
  const push = (kind: TokenKind, start: number, end: number, value = text.slice(start, end), quote?: "'" | '"') => {
    const token: Token = { kind, text: text.slice(start, end), value, start, end };
    if (quote) token.quote = quote;
    tokens.push(token);
    pos = end;
  };

  while (pos < text.length) {
    const ch = text[pos]!;
    if (space.test(ch)) {
      pos++;
      continue;
    }
    const previous = tokens[tokens.length - 1];
    const touchesPrevious = previous !== undefined && previous.end === pos;

    if (ch === "'" || ch === '"') {
      const { value, end } = readQuoted(source, pos, ch);
      push('string', pos, end, value, ch);
    } else if (ch === '`') {
      const { value, end } = readQuoted(source, pos, '`');
      push('backtick', pos, end, value);
    } else if (ch === '.' && ((touchesPrevious && nameKinds.has(previous.kind)) || !digit.test(text[pos + 1] ?? ''))) {
      // A dot glued to a name separates key parts (tags.mlflow.runName); elsewhere `.5` is a number.
      push('dot', pos, pos + 1);
    } else if (touchesPrevious && previous.kind === 'dot' && wordPart.test(ch)) {
      // After a dot, a key part may start with a digit (tags.v1.2): it is a name, not a number.
      push('word', pos, scanWord(text, pos));
    } else if (digit.test(ch) || ch === '.' || (ch === '-' && /[0-9.]/.test(text[pos + 1] ?? ''))) {
      numberPattern.lastIndex = pos;
      const match = numberPattern.exec(text);
      if (!match) throw searchSyntaxError(source, pos, `unexpected character '${ch}'`);
      const end = pos + match[0].length;
      if (end < text.length && (wordPart.test(text[end]!) || text[end] === '.')) {
        throw searchSyntaxError(source, pos, `invalid number '${text.slice(pos, scanWord(text, end))}'`);
      }
      push('number', pos, end);
    } else if (wordStart.test(ch)) {
      push('word', pos, scanWord(text, pos));
    } else if (ch === '(') {
      push('lparen', pos, pos + 1);
    } else if (ch === ')') {
      push('rparen', pos, pos + 1);
    } else if (ch === ',') {
      push('comma', pos, pos + 1);
    } else {
      const operator = operators.find((op) => text.startsWith(op, pos));
      if (operator) {
        push('operator', pos, pos + operator.length);
      } else {
        throw searchSyntaxError(source, pos, unexpectedCharacter(ch, source));
      }
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', start: text.length, end: text.length });
  return tokens;
}

function scanWord(text: string, from: number): number {
  let end = from;
  while (end < text.length && wordPart.test(text[end]!)) end++;
  return end;
}

function unexpectedCharacter(ch: string, source: SearchSource): string {
  if (ch === ';') return `unexpected ';': the ${source.label} must be one expression, with conditions joined by AND`;
  return `unexpected character '${ch}' (quote keys that contain special characters: metrics."my-metric" or metrics.\`my metric\`)`;
}

/**
 * Reads a quoted string or backticked name starting at `start`. Inside, the quote is escaped by
 * doubling it ('it''s') or, for strings, with a backslash ('it\'s'), the two forms sqlparse
 * accepts; `\\` stays as written so LIKE patterns keep their escapes.
 */
function readQuoted(source: SearchSource, start: number, quote: string): { value: string; end: number } {
  const text = source.text;
  let value = '';
  let pos = start + 1;
  while (pos < text.length) {
    const ch = text[pos]!;
    if (ch === quote) {
      if (text[pos + 1] === quote) {
        value += quote;
        pos += 2;
        continue;
      }
      return { value, end: pos + 1 };
    }
    if (ch === '\\' && quote !== '`' && (text[pos + 1] === quote || text[pos + 1] === '\\')) {
      value += text[pos + 1] === quote ? quote : '\\\\';
      pos += 2;
      continue;
    }
    value += ch;
    pos++;
  }
  const what = quote === '`' ? 'backticked name' : 'string';
  throw searchSyntaxError(source, start, `unterminated ${what}: no closing ${quote}`);
}
