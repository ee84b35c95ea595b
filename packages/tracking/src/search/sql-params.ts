/**
 * Collects the values of a statement's `$n` placeholders. Numbering starts after `offset`, so a
 * caller can keep `$1..$offset` for its own values. User text only ever travels through here.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly offset = 0) {}

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.offset + this.values.length}`;
  }
}
