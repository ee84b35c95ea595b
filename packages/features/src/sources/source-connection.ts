import { type Database, MlpError } from '@mlp/core';
import pg from 'pg';

/** A connection to the database a source reads from: the workspace's pool, or a client on another server. */
export interface SourceConnection {
  query(text: string): Promise<pg.QueryResult>;
  /** A raw client for COPY; `release` it when done. */
  client(): Promise<{ client: pg.ClientBase; release(): void }>;
  close(): Promise<void>;
}

/** Opens the source's PostgreSQL: `url` names another server, otherwise the workspace database. */
export async function openSourceConnection(db: Database, url: string | undefined): Promise<SourceConnection> {
  if (!url) {
    return {
      query: (text) => db.pool.query(text),
      async client() {
        const client = await db.pool.connect();
        return { client, release: () => client.release() };
      },
      async close() {},
    };
  }
  const client = new pg.Client({ connectionString: url, application_name: 'mlp features source' });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new MlpError(
      'UNAVAILABLE',
      `Cannot connect to the feature source's PostgreSQL (${maskPassword(url)}): ${(error as Error).message}. Check the source's url and that the server is running.`,
      { cause: error },
    );
  }
  return {
    query: (text) => client.query(text),
    async client() {
      return { client, release: () => {} };
    },
    close: () => client.end(),
  };
}

export function maskPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** `schema.table` or `table`, quoted part by part. */
export function quoteTableName(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
