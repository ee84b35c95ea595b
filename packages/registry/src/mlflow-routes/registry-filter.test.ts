import { describe, expect, it } from 'vitest';
import { matchesClause, parseRegistryFilter } from './registry-filter.js';

describe('parseRegistryFilter', () => {
  it('reads clauses joined by AND, keys case-insensitive, quotes doubled inside values', () => {
    expect(parseRegistryFilter("name = 'churn' and run_id LIKE 'ab%'", ['name', 'run_id'])).toEqual([
      { key: 'name', operator: '=', value: 'churn' },
      { key: 'run_id', operator: 'LIKE', value: 'ab%' },
    ]);
    expect(parseRegistryFilter("NAME ilike '%it''s%'", ['name'])).toEqual([{ key: 'name', operator: 'ILIKE', value: "%it's%" }]);
    expect(parseRegistryFilter(undefined, ['name'])).toEqual([]);
    expect(parseRegistryFilter('  ', ['name'])).toEqual([]);
  });

  it('refuses other syntax and keys', () => {
    expect(() => parseRegistryFilter('name = churn', ['name'])).toThrow(/Invalid filter/);
    expect(() => parseRegistryFilter("name = 'a' OR name = 'b'", ['name'])).toThrow(/Invalid filter/);
    expect(() => parseRegistryFilter("run_id = 'x'", ['name'])).toThrow(/Invalid filter key 'run_id'/);
    expect(parseRegistryFilter("tags.`my key` LIKE 'a%' and attributes.name = 'b'", ['name'])).toEqual([
      { key: 'tags.my key', operator: 'LIKE', value: 'a%' },
      { key: 'name', operator: '=', value: 'b' },
    ]);
  });
});

describe('matchesClause', () => {
  it('applies =, !=, LIKE (case-sensitive) and ILIKE with % and _', () => {
    expect(matchesClause('churn', { key: 'name', operator: '=', value: 'churn' })).toBe(true);
    expect(matchesClause('churn', { key: 'name', operator: '!=', value: 'churn' })).toBe(false);
    expect(matchesClause('churn-v2', { key: 'name', operator: 'LIKE', value: 'churn%' })).toBe(true);
    expect(matchesClause('Churn', { key: 'name', operator: 'LIKE', value: 'churn' })).toBe(false);
    expect(matchesClause('Churn', { key: 'name', operator: 'ILIKE', value: 'ch_rn' })).toBe(true);
    expect(matchesClause('a.b', { key: 'name', operator: 'LIKE', value: 'a.b' })).toBe(true);
    expect(matchesClause('axb', { key: 'name', operator: 'LIKE', value: 'a.b' })).toBe(false);
    expect(matchesClause(null, { key: 'run_id', operator: '=', value: 'x' })).toBe(false);
  });
});

describe('registry search limits', () => {
  it('matches a LIKE pattern with many % against a long tag value without backtracking for ages', () => {
    // The RegExp this clause used to become, ^.*a.*a….*b$, ran for hours on 5000 'a's.
    const clause = { key: 'tags.note', operator: 'LIKE', value: `${'%a'.repeat(12)}%b` } as const;
    expect(matchesClause('a'.repeat(5000), clause)).toBe(false);
  });

  it('takes at most 100 clauses, as a runs search', () => {
    const clauses = (count: number) => Array.from({ length: count }, (_, i) => `tags.t${i} = 'x'`).join(' AND ');
    expect(parseRegistryFilter(clauses(100), ['name'])).toHaveLength(100);
    expect(() => parseRegistryFilter(clauses(101), ['name'])).toThrow(/101 clauses; a search takes at most 100/);
  });
});
