import { writeFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { createTempDir } from '@mlp/core/testing';
import { describe, it } from 'vitest';
import { runEngineContract } from '../testing/engine-contract.js';
import { openDuckDbEngine } from './duckdb-engine.js';
import { loadColumns } from './load-table.js';

runEngineContract('duckdb on a table', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    async engine(table, name) {
      await loadColumns(connection, name, table);
      return openDuckDbEngine({ table: name, connection });
    },
    async cleanup() {
      connection.closeSync();
      instance.closeSync();
    },
  };
});

runEngineContract('duckdb on a Parquet file', async () => {
  const dir = await createTempDir('mlp-validate-parquet-');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const engines: { close(): Promise<void> }[] = [];
  return {
    async engine(table, name) {
      await loadColumns(connection, name, table);
      const file = `${dir.path}/${name}.parquet`;
      await connection.run(`COPY "${name}" TO '${file}' (FORMAT parquet)`);
      const engine = await openDuckDbEngine(file);
      engines.push(engine);
      return engine;
    },
    async cleanup() {
      for (const engine of engines) await engine.close();
      connection.closeSync();
      instance.closeSync();
      await dir.remove();
    },
  };
});

describe('the DuckDB engine lifecycle', () => {
  it('closes once, by close or by disposal, however often it is asked', async () => {
    const dir = await createTempDir('mlp-validate-close-');
    const file = `${dir.path}/rows.csv`;
    await writeFile(file, 'a\n1\n2\n');
    try {
      const engine = await openDuckDbEngine(file);
      await engine.close();
      await engine.close();
      await engine[Symbol.asyncDispose]();
    } finally {
      await dir.remove();
    }
  });
});
