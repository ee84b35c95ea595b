import pg from 'pg';
import { startS3Server } from './s3-server.mjs';

// Runs once before the integration tests: checks PostgreSQL and starts one S3-protocol server process.
export default async function setup(): Promise<() => Promise<void>> {
  const url = process.env.MLP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    // Never skip: integration suites exist to run against the real server.
    throw new Error(`PostgreSQL is unreachable at ${url} (${(error as Error).message}). Start it, or set MLP_TEST_POSTGRES_URL.`);
  } finally {
    await client.end().catch(() => {});
  }

  if (process.env.MLP_TEST_S3_ENDPOINT) return async () => {};
  const s3 = await startS3Server({});
  process.env.MLP_TEST_S3_ENDPOINT = s3.endpoint;
  return () => s3.stop();
}
