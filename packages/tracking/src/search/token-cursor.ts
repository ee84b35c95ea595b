import type { MlpError } from '@mlp/core';
import { type SearchSource, searchSyntaxError } from './search-error.js';
import { type Token, tokenize } from './tokenizer.js';

/** A read position over the tokens of one search text, with helpers for errors that point into it. */
export class TokenCursor {
  private readonly tokens: Token[];
  private index = 0;

  constructor(readonly source: SearchSource) {
    this.tokens = tokenize(source);
  }

  peek(ahead = 0): Token {
    const tokens = this.tokens;
    return tokens[Math.min(this.index + ahead, tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  /** Whether `token` is the keyword `keyword` (keywords are case-insensitive, as in SQL). */
  isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toUpperCase() === keyword;
  }

  /** Reads clauses joined by AND up to the end of the text (an empty text has none). */
  readAndJoined<Clause>(readClause: (cursor: TokenCursor) => Clause): Clause[] {
    const clauses: Clause[] = [];
    if (this.peek().kind === 'end') return clauses;
    for (;;) {
      clauses.push(readClause(this));
      const token = this.next();
      if (token.kind === 'end') return clauses;
      if (!this.isKeyword(token, 'AND')) {
        throw this.error(token.start, `expected AND or the end of the ${this.source.label}, found ${this.describe(token)}`);
      }
    }
  }

  /** How a token reads in an error message. */
  describe(token: Token): string {
    if (token.kind === 'end') return `the end of the ${this.source.label}`;
    return `'${token.text}'`;
  }

  /** The source text from `start` to `end`, as the user wrote it. */
  slice(start: number, end: number): string {
    return this.source.text.slice(start, end);
  }

  error(position: number, message: string): MlpError {
    return searchSyntaxError(this.source, position, message);
  }
}
