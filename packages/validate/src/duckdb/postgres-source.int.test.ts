import { createSilentLogger, type Database, postgresEngine } from '@mlp/core';
import { sqlIdentifier } from '@mlp/core/tabular';
import { createTestDatabase, type TestDatabase } from '@mlp/core/testing';
import { runEngineContract } from '../testing/engine-contract.js';
import type { ColumnKind } from '../values.js';
import { type DuckDbEngine, openDuckDbEngine } from './duckdb-engine.js';

const pgTypes: Record<ColumnKind, string> = {
  number: 'double precision',
  string: 'text',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  mixed: 'text',
};

runEngineContract('duckdb on a PostgreSQL table', async () => {
  const testDatabase: TestDatabase = await createTestDatabase('mlp_validate');
  const database: Database = await postgresEngine.open({ url: testDatabase.url, stateDir: '', logger: createSilentLogger() });
  const engines: DuckDbEngine[] = [];
  return {
    async engine(table, name) {
      const columns = Object.entries(table);
      await database.query(
        `create table ${sqlIdentifier(name)} (${columns.map(([column, { kind }]) => `${sqlIdentifier(column)} ${pgTypes[kind]}`).join(', ')})`,
      );
      const rowCount = columns[0]?.[1].values.length ?? 0;
      for (let row = 0; row < rowCount; row++) {
        const values = columns.map(([, { kind, values }]) => {
          const value = values[row];
          if (value === null || value === undefined) return null;
          if (kind === 'timestamp') return new Date(value as number);
          return value;
        });
        await database.query(`insert into ${sqlIdentifier(name)} values (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
      }
      const engine = await openDuckDbEngine({ postgres: { url: testDatabase.url, table: name, batchSize: 3 } });
      engines.push(engine);
      return engine;
    },
    async cleanup() {
      for (const engine of engines) await engine.close();
      await database.close();
      await testDatabase.drop();
    },
  };
});
