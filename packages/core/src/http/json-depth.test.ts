import { describe, expect, it } from 'vitest';
import { assertJsonDepth } from './json-depth.js';

describe('assertJsonDepth', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it('takes the limit and refuses one more, in one pass', () => {
    expect(() => assertJsonDepth(nested(3), 3)).not.toThrow();
    expect(() => assertJsonDepth(`{"a":${nested(3)}}`, 3)).toThrow(/nested more than 3 levels/);
    expect(() => assertJsonDepth(nested(1_000_000))).toThrow(/nested more than 100/);
  });

  it('counts brackets outside strings only, escaped quotes included', () => {
    expect(() => assertJsonDepth(`{"a":"${'['.repeat(50)}\\"${'{'.repeat(50)}"}`, 2)).not.toThrow();
    expect(() => assertJsonDepth(`[["\\\\"],[[1]]]`, 3)).not.toThrow();
    expect(() => assertJsonDepth(`[["\\\\"],[[[1]]]]`, 3)).toThrow();
  });

  it('checks again from the start after a refusal, and passes a long flat tensor', () => {
    expect(() => assertJsonDepth('[[[[1]]]]', 2)).toThrow();
    expect(() => assertJsonDepth('[[1]]', 2)).not.toThrow();
    expect(() =>
      assertJsonDepth(JSON.stringify({ data: Array.from({ length: 100_000 }, (_, i) => i / 3), s: ['[', '{'] }), 2),
    ).not.toThrow();
  });
});
