import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { suiteToJson } from '../suite/suite.js';
import { profile, validate } from '../validate.js';

const datasets = path.resolve(import.meta.dirname, '../../../../node_modules/vega-datasets/data');

describe('profile', () => {
  it('infers types, null rates, widened ranges, value sets and uniqueness, and the reference data passes', async () => {
    const rows = [
      { id: 1, city: 'Oslo', temp: 3.5, ok: true },
      { id: 2, city: 'Rome', temp: 18.25, ok: false },
      { id: 3, city: 'Oslo', temp: null, ok: true },
      { id: 4, city: 'Rome', temp: 11, ok: true },
      { id: 5, city: 'Oslo', temp: 7, ok: true },
    ];
    const suite = await profile(rows, { name: 'cities' });
    const find = (type: string, column: string) => suite.expectations.find((entry) => entry.type === type && entry.args.column === column);
    expect(suite.name).toBe('cities');
    expect(find('expectColumnValuesToBeOfType', 'id')?.args.type).toBe('integer');
    expect(find('expectColumnValuesToBeOfType', 'temp')?.args.type).toBe('number');
    expect(find('expectColumnValuesToBeUnique', 'id')).toBeDefined();
    expect(find('expectColumnValuesToBeInSet', 'city')?.args.valueSet).toEqual(['Oslo', 'Rome']);
    expect(find('expectColumnValuesToNotBeNull', 'temp')).toMatchObject({ severity: 'warn', args: { mostly: 0.75 } });
    expect(find('expectColumnValuesToBeBetween', 'temp')?.args).toMatchObject({ minValue: 2.025, maxValue: 19.725 });
    expect((await validate(rows, suite)).success).toBe(true);
    // The suite survives the JSON round trip a person edits.
    expect(JSON.parse(JSON.stringify(suiteToJson(suite))).expectations.length).toBe(suite.expectations.length);
  });

  it('profiles a file through DuckDB, and a shifted batch fails the profile', async () => {
    const file = path.join(datasets, 'seattle-weather.csv');
    const suite = await profile(file);
    expect(
      suite.expectations.find((entry) => entry.type === 'expectColumnValuesToBeInSet' && entry.args.column === 'weather')?.args.valueSet,
    ).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect((await validate(file, suite)).success).toBe(true);
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1, 50)
      .map((line) => {
        const [date, precipitation, tempMax, tempMin, wind, weather] = line.split(',');
        return {
          date: new Date(`${date}T00:00:00Z`),
          precipitation: Number(precipitation),
          temp_max: Number(tempMax) + 60,
          temp_min: Number(tempMin),
          wind: Number(wind),
          weather,
        };
      });
    const shifted = await validate(rows, suite);
    expect(shifted.success).toBe(false);
    expect(shifted.results.filter((entry) => !entry.success).map((entry) => entry.args.column)).toContain('temp_max');
  });
});
