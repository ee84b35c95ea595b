import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Database, type DatasetResolver, MlpError } from '@mlp/core';
import { connectSharedTabularDb, tabularScanSql } from '@mlp/core/tabular';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { FeatureType } from '../definitions/feature-types.js';
import { offlineSchema, offlineTableOf, type ResolvedFeatureView } from '../registry/resolved-view.js';
import { inspectSource, postgresSourceSql } from '../sources/inspect-source.js';
import { openSourceConnection, quoteIdentifier } from '../sources/source-connection.js';
import { offlineLoads } from '../store/schema.js';
import { duckDbCast, offlineColumnType, postgresCast } from './column-sql.js';
import { dropPitTables } from './pit-tables.js';

/** What a load of a view version's offline table read, and how many rows it kept. */
export interface OfflineLoad {
  view: string;
  version: number;
  rows: number;
  /** The dataset version and its root hash, or the source's kind: what decides whether a reload is due. */
  sourceState: { kind: 'dataset'; ref: string; rootHash: string } | { kind: 'table' | 'query' };
  loadedAt: number;
  /** The point-in-time join's tables of this load (see pit-tables.ts), null until built. */
  pit: { bucketMs: number; hasTail: boolean } | null;
}

interface ColumnPlan {
  name: string;
  type: FeatureType;
  /** The expression reading it from the source, in the source's engine. */
  expression: string;
}

/** Columns of the offline table in load order: keys, event_ts, features. */
function plan(view: ResolvedFeatureView, kinds: Map<string, string>, cast: (column: string, kind: never, type: FeatureType) => string) {
  const kindOf = (name: string) => {
    const kind = kinds.get(name);
    if (!kind) {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Feature view ${view.name} v${view.version}: its source no longer has the column ${name}. Fix the source, or apply the view again with its new columns.`,
      );
    }
    return kind as never;
  };
  const columns: ColumnPlan[] = [
    ...view.joinKeys.map((key) => ({ name: key.name, type: key.type, expression: cast(key.name, kindOf(key.name), key.type) })),
    { name: 'event_ts', type: 'timestamp' as const, expression: cast(view.timestampColumn, kindOf(view.timestampColumn), 'timestamp') },
    ...view.features.map((feature) => ({
      name: feature.name,
      type: feature.type,
      expression: cast(feature.name, kindOf(feature.name), feature.type),
    })),
  ];
  // a row without keys or time can never be joined: left out
  const notNull = [...view.joinKeys.map((key) => key.name), view.timestampColumn]
    .map((name) => `${quoteIdentifier(name)} is not null`)
    .join(' and ');
  return { columns, notNull };
}

/**
 * Loads a view version's offline table from its source: the whole source, read again, into a new
 * table that replaces the old one in one transaction (readers see the old table or the new one).
 * A dataset version is read by DuckDB and bulk loaded with COPY; a PostgreSQL source on the workspace
 * database is copied by one INSERT … SELECT, one on another server streamed with COPY.
 */
export async function materializeOffline(
  db: Database,
  view: ResolvedFeatureView,
  options: { datasets?: DatasetResolver | undefined; signal?: AbortSignal | undefined } = {},
): Promise<OfflineLoad> {
  const inspected = await inspectSource(view.source, { db, ...(options.datasets ? { datasets: options.datasets } : {}) });
  const kinds = new Map(inspected.columns.map((column) => [column.name, column.kind]));
  const staging = `${view.name}__load_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const stagingTable = `"${offlineSchema}"."${staging}"`;
  const target = offlineTableOf(view.name, view.version);
  const postgres = !('dataset' in view.source);
  const { columns, notNull } = plan(view, kinds, postgres ? postgresCast : duckDbCast);
  const columnList = columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const client = await db.connect();
  let rows = 0;
  try {
    await client.query(`create schema if not exists "${offlineSchema}"`).catch(async (error) => {
      // two first loads at once: the other created it
      if ((error as { code?: string }).code !== '23505') throw error;
    });
    await client.query(
      `create table ${stagingTable} (${columns.map((column) => `${quoteIdentifier(column.name)} ${offlineColumnType[column.type]}`).join(', ')}, _seq bigint generated always as identity)`,
    );
    try {
      const select = `select ${columns.map((column) => column.expression).join(', ')}`;
      if ('dataset' in view.source) {
        const dataset = inspected.dataset as NonNullable<typeof inspected.dataset>;
        const dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-features-'));
        try {
          const csv = path.join(dir, 'rows.csv');
          const duck = await connectSharedTabularDb();
          try {
            await duck.run(
              `copy (${select} from ${tabularScanSql(dataset.path, dataset.format)} where ${notNull}) to '${csv.replaceAll("'", "''")}' (format csv, header false)`,
            );
          } finally {
            duck.closeSync();
          }
          options.signal?.throwIfAborted();
          const copy = client.query(copyFrom(`copy ${stagingTable} (${columnList}) from stdin (format csv)`));
          await pipeline(createReadStream(csv), copy);
          rows = Number(copy.rowCount);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      } else if (!view.source.url) {
        const result = await client.query(
          `insert into ${stagingTable} (${columnList}) ${select} from (${postgresSourceSql(view.source)}) as source where ${notNull}`,
        );
        rows = result.rowCount ?? 0;
      } else {
        const source = await openSourceConnection(db, view.source.url);
        try {
          const { client: sourceClient, release } = await source.client();
          try {
            const out = sourceClient.query(
              copyTo(`copy (${select} from (${postgresSourceSql(view.source)}) as source where ${notNull}) to stdout (format binary)`),
            );
            const into = client.query(copyFrom(`copy ${stagingTable} (${columnList}) from stdin (format binary)`));
            await pipeline(out, into);
            rows = Number(into.rowCount);
          } finally {
            release();
          }
        } finally {
          await source.close();
        }
      }
      options.signal?.throwIfAborted();
      // the point-in-time join probes this index once per entity row: newest first within a key
      const keys = view.joinKeys.map((key) => quoteIdentifier(key.name)).join(', ');
      await client.query(`create index on ${stagingTable} (${keys}, event_ts desc, _seq desc)`);
      await client.query(`analyze ${stagingTable}`);
      const loadedAt = Date.now();
      const sourceState: OfflineLoad['sourceState'] = inspected.dataset
        ? { kind: 'dataset', ref: inspected.dataset.ref, rootHash: inspected.dataset.rootHash }
        : ({ kind: 'dataset' in view.source ? 'dataset' : 'table' in view.source ? 'table' : 'query' } as OfflineLoad['sourceState']);
      await client.query('begin');
      try {
        await client.query(`drop table if exists ${target}`);
        await dropPitTables({ query: (text) => client.query(text).then((result) => result.rows) }, view);
        await client.query(`alter table ${stagingTable} rename to "${view.name}__v${view.version}"`);
        const { text, params } = upsertLoad(db, { view: view.name, version: view.version, rows, sourceState, loadedAt, pit: null });
        await client.query(text, params);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
      return { view: view.name, version: view.version, rows, sourceState, loadedAt, pit: null };
    } finally {
      await client.query(`drop table if exists ${stagingTable}`).catch(() => {});
    }
  } finally {
    client.release();
  }
}

function upsertLoad(db: Database, load: OfflineLoad): { text: string; params: unknown[] } {
  const query = db.drizzle
    .insert(offlineLoads)
    .values(load)
    .onConflictDoUpdate({
      target: [offlineLoads.view, offlineLoads.version],
      set: { rows: load.rows, sourceState: load.sourceState, loadedAt: load.loadedAt, pit: null },
    })
    .toSQL();
  return { text: query.sql, params: query.params };
}
