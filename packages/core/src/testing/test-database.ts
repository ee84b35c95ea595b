import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MlpError } from '../errors/mlp-error.js';

export interface TestDatabase {
  /** URL of a database created for this caller alone. */
  url: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/** The PostgreSQL server integration tests use: `MLP_TEST_POSTGRES_URL`, or the local one on 5432. */
export function testServerUrl(): string {
  return process.env.MLP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * Creates a fresh database on the test server, so each test file starts empty and files can run in
 * parallel. When the server is unreachable this throws: a service-backed suite never silently skips.
 */
export async function createTestDatabase(prefix = 'mlp_test'): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`create database "${name}"`);
  } catch (error) {
    throw new MlpError(
      'UNAVAILABLE',
      `Integration tests need PostgreSQL at ${serverUrl} (set MLP_TEST_POSTGRES_URL to use another): ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
