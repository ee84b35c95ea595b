import { type DuckDBConnection, DuckDBTimestampValue } from '@duckdb/node-api';
import { createSilentLogger, MlpError, postgresEngine } from '@mlp/core';
import { sqlIdentifier } from '@mlp/core/tabular';

/** A PostgreSQL table to validate: DuckDB's postgres extension is not bundled, so rows are streamed in. */
export interface PostgresSource {
  url: string;
  table: string;
  schema?: string;
  /** Rows fetched per round trip. */
  batchSize?: number;
}

// PostgreSQL type ids (pg_type.oid) and the DuckDB type their values become.
const typeByOid: Record<number, 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'TIMESTAMP'> = {
  16: 'BOOLEAN',
  20: 'BIGINT',
  21: 'BIGINT',
  23: 'BIGINT',
  700: 'DOUBLE',
  701: 'DOUBLE',
  1700: 'DOUBLE',
  1082: 'TIMESTAMP',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMP',
};

let loaded = 0;

/** Copies a PostgreSQL table into a DuckDB temporary table through a server-side cursor; returns its name. */
export async function loadPostgresTable(connection: DuckDBConnection, source: PostgresSource): Promise<string> {
  const database = await postgresEngine.open({
    url: source.url,
    stateDir: '',
    logger: createSilentLogger(),
    applicationName: 'mlp validate',
  });
  const client = await database.connect();
  const target = `__mlp_pg_${process.pid}_${++loaded}`;
  const qualified = source.schema ? `${sqlIdentifier(source.schema)}.${sqlIdentifier(source.table)}` : sqlIdentifier(source.table);
  const batch = source.batchSize ?? 10_000;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE mlp_validate_cursor NO SCROLL CURSOR FOR SELECT * FROM ${qualified}`);
    let appender: Awaited<ReturnType<DuckDBConnection['createAppender']>> | undefined;
    let types: string[] = [];
    for (;;) {
      const result = await client.query(`FETCH ${batch} FROM mlp_validate_cursor`);
      if (!appender) {
        types = result.fields.map((field) => typeByOid[field.dataTypeID] ?? 'VARCHAR');
        const columns = result.fields.map((field, i) => `${sqlIdentifier(field.name)} ${types[i]}`).join(', ');
        await connection.run(`CREATE OR REPLACE TEMP TABLE ${target} (${columns})`);
        appender = await connection.createAppender(target, 'main', 'temp');
      }
      for (const row of result.rows as Record<string, unknown>[]) {
        result.fields.forEach((field, i) => {
          const value = row[field.name];
          if (value === null || value === undefined) appender!.appendNull();
          else if (types[i] === 'BIGINT') appender!.appendBigInt(BigInt(value as string | number));
          else if (types[i] === 'DOUBLE') appender!.appendDouble(Number(value));
          else if (types[i] === 'BOOLEAN') appender!.appendBoolean(Boolean(value));
          else if (types[i] === 'TIMESTAMP') appender!.appendTimestamp(timestampValue(value));
          else appender!.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
        });
        appender!.endRow();
      }
      if (result.rows.length < batch) break;
    }
    appender?.closeSync();
    await client.query('COMMIT');
    return target;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if (MlpError.isInstance(error)) throw error;
    throw new MlpError('INVALID_ARGUMENT', `Cannot read PostgreSQL table ${qualified}: ${(error as Error).message}`, { cause: error });
  } finally {
    client.release();
    await database.close();
  }
}

function timestampValue(value: unknown) {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return new DuckDBTimestampValue(BigInt(ms) * 1000n);
}
