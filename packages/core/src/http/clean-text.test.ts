import { describe, expect, it } from 'vitest';
import { assertCleanText } from './clean-text.js';

describe('assertCleanText', () => {
  it('names the field of the first string with NUL or a lone surrogate, as MLflow names fields', () => {
    expect(() =>
      assertCleanText({
        tags: [
          { key: 'a', value: 'ok' },
          { key: 'b', value: 'bad\u0000' },
        ],
      }),
    ).toThrow("Invalid value for parameter 'tags[1].value': it");
    expect(() => assertCleanText({ inputs: [{ data: [1, 2, null, true, ['x', '\ud800']] }] })).toThrow(
      "Invalid value for parameter 'inputs[0].data[4][1]': it",
    );
    expect(() => assertCleanText({ outer: { 'k\u0000': 1 } })).toThrow("Invalid field name in 'outer': it");
    expect(() => assertCleanText('top\u0000')).toThrow("Invalid value for parameter '': it");
  });

  it('passes clean input, long numeric arrays included', () => {
    expect(() => assertCleanText({ a: 'fine', b: [1, 2.5, null, false, { c: 'é😀' }], d: Array(100_000).fill(0.5) })).not.toThrow();
  });
});
