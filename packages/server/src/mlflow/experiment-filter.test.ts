import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/http-error.js';
import { parseExperimentFilter } from './experiment-filter.js';

describe('parseExperimentFilter', () => {
  it('reads no filter, an exact name and a substring match', () => {
    expect(parseExperimentFilter(undefined)).toEqual({ kind: 'all' });
    expect(parseExperimentFilter('  ')).toEqual({ kind: 'all' });
    expect(parseExperimentFilter("name = 'churn'")).toEqual({ kind: 'name-equals', name: 'churn' });
    expect(parseExperimentFilter("attributes.name ilike '%Churn_2%'")).toEqual({ kind: 'name-contains', text: 'Churn_2' });
    expect(parseExperimentFilter("`name` = 'it''s'")).toEqual({ kind: 'name-equals', name: "it's" });
  });

  it.each(["tags.team = 'x'", "name LIKE '%x%'", "name ILIKE 'x%'", "name ILIKE '%a%b%'", "name = 'a' AND name = 'b'", 'name = x'])(
    'refuses %s instead of answering it wrongly',
    (filter) => {
      expect(() => parseExperimentFilter(filter)).toThrow(HttpError);
    },
  );
});
