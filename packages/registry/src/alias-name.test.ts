import { describe, expect, it } from 'vitest';
import { aliasProblem, assertModelName } from './alias-name.js';

describe('aliasProblem', () => {
  it('accepts ordinary aliases', () => {
    for (const alias of ['champion', 'challenger', 'Prod_2', 'a', `a${'b'.repeat(254)}`, 'blue-green'])
      expect(aliasProblem(alias), alias).toBeUndefined();
  });

  it('rejects reserved, version-like and malformed names with a reason', () => {
    expect(aliasProblem('latest')).toMatch(/reserved/);
    expect(aliasProblem('Latest')).toMatch(/reserved/);
    expect(aliasProblem('v12')).toMatch(/version number/);
    expect(aliasProblem('V3')).toMatch(/version number/);
    expect(aliasProblem('12')).toMatch(/letter/);
    expect(aliasProblem('')).toMatch(/non-empty/);
    expect(aliasProblem('a b')).toMatch(/letter/);
    expect(aliasProblem('a@b')).toMatch(/letter/);
    expect(aliasProblem(`a${'b'.repeat(255)}`)).toMatch(/254/);
    expect(aliasProblem(3)).toMatch(/string/);
  });
});

describe('assertModelName', () => {
  it('refuses slashes, line breaks and padding', () => {
    expect(() => assertModelName('churn model')).not.toThrow();
    for (const bad of ['', 'a/b', 'a\nb', ' padded', 'x'.repeat(257)])
      expect(() => assertModelName(bad), bad).toThrow(/Invalid model name/);
  });
});
