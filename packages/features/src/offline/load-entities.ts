import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Database, MlpError } from '@mlp/core';
import { connectSharedTabularDb, resolveTabularFormat, tabularScanSql } from '@mlp/core/tabular';
import { from as copyFrom } from 'pg-copy-streams';
import type { JoinKey } from '../definitions/entity.js';
import type { FeatureType } from '../definitions/feature-types.js';
import { offlineSchema } from '../registry/resolved-view.js';
import { type ColumnKind, duckDbColumnKind, keyFits, postgresColumnKind, type SourceColumn } from '../sources/source-columns.js';
import { quoteIdentifier } from '../sources/source-connection.js';
import { duckDbCast, featureTypeOfKind, offlineColumnType, postgresCast } from './column-sql.js';

/** The entity rows of a training set: a data file (CSV, Parquet, JSON), objects, or a query on the workspace database. */
export type EntitySource =
  | { file: string; format?: string }
  | { rows: ReadonlyArray<Readonly<Record<string, unknown>>> }
  | { query: string };

/** The entity rows, loaded into a table of the workspace database for the join. */
export interface LoadedEntities {
  /** Quoted, schema-qualified: `_row` (the input's order), then the columns. */
  table: string;
  /** Every input column, in input order, with the type it is reported as; the keys and event time typed as asked. */
  columns: { name: string; type: FeatureType }[];
  rows: number;
  drop(): Promise<void>;
}

interface Column {
  name: string;
  kind: ColumnKind;
  type: FeatureType;
}

function planColumns(input: readonly SourceColumn[], keys: readonly JoinKey[], timestampColumn: string): Column[] {
  const byName = new Map(input.map((column) => [column.name, column]));
  const problems: string[] = [];
  const time = byName.get(timestampColumn);
  if (!time) problems.push(`no event timestamp column ${timestampColumn}`);
  else if (!['timestamp', 'date', 'integer'].includes(time.kind))
    problems.push(`its ${timestampColumn} is ${time.engineType}, not a timestamp, date or epoch milliseconds`);
  for (const key of keys) {
    const column = byName.get(key.name);
    if (!column) problems.push(`no join key column ${key.name}`);
    else if (!keyFits(column.kind, key.type)) problems.push(`its join key ${key.name} is ${column.engineType}, not ${key.type}`);
  }
  if (problems.length > 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The entity rows do not fit the feature views: ${problems.join('; ')}. Their columns are: ${input.map((column) => column.name).join(', ') || '(none)'}.`,
    );
  }
  const keyTypes = new Map(keys.map((key) => [key.name, key.type]));
  return input.map((column) => ({
    name: column.name,
    kind: column.kind,
    type: column.name === timestampColumn ? 'timestamp' : (keyTypes.get(column.name) ?? featureTypeOfKind(column.kind)),
  }));
}

function kindOfValue(values: Iterable<unknown>): ColumnKind {
  let kind: ColumnKind | undefined;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const next: ColumnKind =
      typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'float'
        : typeof value === 'boolean'
          ? 'bool'
          : value instanceof Date
            ? 'timestamp'
            : 'string';
    if (kind === undefined || kind === next) kind = next;
    else if ((kind === 'integer' && next === 'float') || (kind === 'float' && next === 'integer')) kind = 'float';
    else kind = 'string';
  }
  return kind ?? 'string';
}

function csvField(value: unknown, type: FeatureType): string {
  if (value === null || value === undefined) return '';
  if (type === 'timestamp') {
    const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value));
    if (!Number.isFinite(ms))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `The entity timestamp ${JSON.stringify(value)} is not a time: give epoch milliseconds, a Date or an ISO 8601 string.`,
      );
    return String(Math.trunc(ms));
  }
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

const abandonedAfterMs = 24 * 3_600_000;

/** Drops entity tables older than a day: a training set lives for one process, never that long. */
async function dropAbandonedEntityTables(db: Database): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = $1 and tablename like 'entities\\_%'`,
    [offlineSchema],
  );
  for (const { name } of tables) {
    const created = Number.parseInt(/^entities_([0-9a-z]+)_/.exec(name)?.[1] ?? '', 36);
    if (Number.isFinite(created) && created < Date.now() - abandonedAfterMs) {
      await db.query(`drop table if exists "${offlineSchema}".${quoteIdentifier(name)}`);
    }
  }
}

/** Loads entity rows into an unlogged table of the offline schema, typed for the join; `drop` removes it. */
export async function loadEntities(
  db: Database,
  source: EntitySource,
  keys: readonly JoinKey[],
  timestampColumn: string,
  signal?: AbortSignal,
): Promise<LoadedEntities> {
  // the creation time in the name, so tables left by a process that died are found and dropped later
  const name = `entities_${Date.now().toString(36)}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await dropAbandonedEntityTables(db).catch(() => {});
  const table = `"${offlineSchema}".${quoteIdentifier(name)}`;
  const drop = async () => {
    await db.query(`drop table if exists ${table}`);
  };
  const create = async (columns: Column[]) => {
    await db.query(`create schema if not exists "${offlineSchema}"`).catch((error) => {
      if ((error as { code?: string }).code !== '23505') throw error;
    });
    const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${offlineColumnType[column.type]}`);
    await db.query(`create unlogged table ${table} (_row bigint generated always as identity, ${definitions.join(', ')})`);
  };
  let columns: Column[];
  let rows: number;
  try {
    if ('rows' in source) {
      const names = [...new Set(source.rows.flatMap((row) => Object.keys(row)))];
      const input = names.map((column) => {
        const kind = kindOfValue(source.rows.map((row) => row[column]));
        return { name: column, kind, engineType: kind };
      });
      // an object's time may be a Date, epoch ms or ISO text: all become epoch ms
      const time = input.find((column) => column.name === timestampColumn);
      if (time) time.kind = 'timestamp';
      columns = planColumns(input, keys, timestampColumn);
      await create(columns);
      const client = await db.connect();
      try {
        const copy = client.query(
          copyFrom(`copy ${table} (${columns.map((column) => quoteIdentifier(column.name)).join(', ')}) from stdin (format csv)`),
        );
        const lines = function* () {
          for (const row of source.rows) yield `${columns.map((column) => csvField(row[column.name], column.type)).join(',')}\n`;
        };
        await pipeline(Readable.from(lines()), copy);
        rows = Number(copy.rowCount);
      } finally {
        client.release();
      }
    } else if ('query' in source) {
      const described = await db.pool.query(`select * from (${source.query}) as entities limit 0`).catch((error: Error) => {
        throw new MlpError('INVALID_ARGUMENT', `The entity query failed: ${error.message}. Fix the query.`, { cause: error });
      });
      const input = described.fields.map((field) => ({
        name: field.name,
        kind: postgresColumnKind(field.dataTypeID),
        engineType: `oid ${field.dataTypeID}`,
      }));
      columns = planColumns(input, keys, timestampColumn);
      await create(columns);
      const list = columns.map((column) => quoteIdentifier(column.name)).join(', ');
      const select = columns.map((column) => postgresCast(column.name, column.kind, column.type)).join(', ');
      const result = await db.pool.query(`insert into ${table} (${list}) select ${select} from (${source.query}) as entities`);
      rows = result.rowCount ?? 0;
    } else {
      const format = resolveTabularFormat(source.file, source.format);
      const duck = await connectSharedTabularDb();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-entities-'));
      try {
        const scan = tabularScanSql(path.resolve(source.file), format);
        const described = await duck.runAndReadAll(`describe select * from ${scan}`).catch((error: Error) => {
          throw new MlpError('INVALID_ARGUMENT', `Cannot read the entity file ${source.file}: ${error.message}.`, { cause: error });
        });
        const input = described.getRowObjectsJS().map((row) => ({
          name: String(row.column_name),
          kind: duckDbColumnKind(String(row.column_type)),
          engineType: String(row.column_type),
        }));
        columns = planColumns(input, keys, timestampColumn);
        await create(columns);
        const csv = path.join(dir, 'entities.csv');
        const select = columns.map((column) => duckDbCast(column.name, column.kind, column.type)).join(', ');
        await duck.run(`copy (select ${select} from ${scan}) to '${csv.replaceAll("'", "''")}' (format csv, header false)`);
        signal?.throwIfAborted();
        const client = await db.connect();
        try {
          const copy = client.query(
            copyFrom(`copy ${table} (${columns.map((column) => quoteIdentifier(column.name)).join(', ')}) from stdin (format csv)`),
          );
          await pipeline(createReadStream(csv), copy);
          rows = Number(copy.rowCount);
        } finally {
          client.release();
        }
      } finally {
        duck.closeSync();
        await rm(dir, { recursive: true, force: true });
      }
    }
    await db.query(`analyze ${table}`);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { table, columns: columns.map(({ name: column, type }) => ({ name: column, type })), rows, drop };
}
