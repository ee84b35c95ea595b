import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The in-memory engine and what it imports must run in a browser: no Node built-ins, no DuckDB.
const browserSafe = [
  'memory.ts',
  'engine/in-memory-engine.ts',
  'engine/in-memory-map.ts',
  'engine/in-memory-aggregates.ts',
  'engine/in-memory-table.ts',
  'engine/run-suite.ts',
  'engine/engine.ts',
  'expectations/catalog.ts',
  'expectations/argument-schemas.ts',
  'expectations/judge.ts',
  'expectations/string-formats.ts',
  'expectations/table-expectations.ts',
  'expectations/nearest-names.ts',
  'result/validation-result.ts',
  'suite/suite.ts',
  'suite/suite-builder.ts',
  'suite/suite-schema.ts',
  'values.ts',
];

describe('the in-memory engine', () => {
  it.each(browserSafe)('%s imports no Node built-in and no DuckDB', (file) => {
    const source = readFileSync(path.join(import.meta.dirname, '..', file), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports.filter((name) => name?.startsWith('node:') || name?.includes('duckdb'))).toEqual([]);
  });
});
