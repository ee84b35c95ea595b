import { describe, expect, it } from 'vitest';
import { likeMatches } from './like-pattern.js';

describe('likeMatches', () => {
  it.each([
    ['churn-model', 'churn%', true],
    ['churn-model', '%model', true],
    ['churn-model', '%-%', true],
    ['churn-model', 'churn_model', true],
    ['churn-model', 'churn__model', false],
    ['churn-model', 'churn', false],
    ['churn-model', '%', true],
    ['', '%', true],
    ['', '_', false],
    ['abc', 'a%b%c', true],
    ['abcb', 'a%b', true],
    ['abcbd', 'a%b', false],
    ['mississippi', '%sip%', true],
    ['mississippi', 'm%iss%ppi', true],
    ['mississippi', 'm%iss%ppx', false],
    ['a.b*c', 'a.b*c', true],
    ['axb', 'a.b', false],
    ['😀x', '_x', true],
  ])('%j LIKE %j is %s', (text, pattern, expected) => {
    expect(likeMatches(text, pattern)).toBe(expected);
  });

  it('compares case-insensitively for ILIKE only', () => {
    expect(likeMatches('Churn-Model', 'churn%')).toBe(false);
    expect(likeMatches('Churn-Model', 'churn%', true)).toBe(true);
  });

  it('matches a many-% pattern against a long value in bounded steps', () => {
    // As a RegExp (^.*a.*a….*b$) this pattern backtracks through 5000^12 ways before failing.
    const value = 'a'.repeat(5000);
    const pattern = `${'%a'.repeat(12)}%b`;
    expect(likeMatches(value, pattern)).toBe(false);
    expect(likeMatches(`${value}b`, pattern)).toBe(true);
  });
});
