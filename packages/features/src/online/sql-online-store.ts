import type { Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { FeatureValue } from '../definitions/feature-types.js';
import { migrations } from '../generated/migrations.js';
import type { MaterializationWatermark, OnlineReadOptions, OnlineStore, OnlineWriteResult } from './online-store.js';
import {
  checkViewName,
  type EntityKeyValues,
  encodeEntityKey,
  expired,
  featureIndexes,
  latestPerEntity,
  type OnlineRow,
  type OnlineView,
  setFeature,
} from './online-view.js';

/** Rows per upsert statement: large enough to amortise the round trip, small enough for one statement. */
const writeBatch = 5000;

/**
 * The online store in the workspace database (table `features_online`): the default, no service to
 * run. Each batch is one `insert … select from unnest(…) on conflict … where newer` statement.
 */
export async function openSqlOnlineStore(workspace: Workspace): Promise<OnlineStore> {
  await workspace.migrate(migrations);
  const db = workspace.db;

  async function write(view: OnlineView, rows: readonly OnlineRow[]): Promise<OnlineWriteResult> {
    checkViewName(view.name);
    const now = Date.now();
    const latest = [...latestPerEntity(view, rows)].filter(([, row]) => !expired(view, row.eventTs, now));
    let written = 0;
    for (let start = 0; start < latest.length; start += writeBatch) {
      const batch = latest.slice(start, start + writeBatch);
      const keys = batch.map(([key]) => key);
      const times = batch.map(([, row]) => row.eventTs);
      const values = batch.map(([, row]) => {
        const array = typeof row.values === 'string' ? (JSON.parse(row.values) as FeatureValue[]) : row.values;
        return JSON.stringify(Object.fromEntries(view.features.map((f, i) => [f.name, array[i] ?? null])));
      });
      const result = await db.query<{ n: string }>(
        `with upserted as (
           insert into features_online (view, entity_key, event_ts, values, written_at)
           select $1, k, t, v, $5 from unnest($2::text[], $3::bigint[], $4::jsonb[]) as u(k, t, v)
           on conflict (view, entity_key) do update
             set event_ts = excluded.event_ts, values = excluded.values, written_at = excluded.written_at
             where excluded.event_ts >= features_online.event_ts
           returning 1)
         select count(*) as n from upserted`,
        [view.name, keys, times, values, now],
      );
      written += Number(result[0]?.n ?? 0);
    }
    return { written, skipped: rows.length - written };
  }

  async function read(view: OnlineView, keys: readonly EntityKeyValues[], options: OnlineReadOptions = {}) {
    checkViewName(view.name);
    const indexes = featureIndexes(view, options.features);
    const names = indexes.map((index) => (view.features[index] as OnlineView['features'][number]).name);
    const encoded = keys.map((key) => encodeEntityKey(view, key));
    const rows =
      encoded.length === 0
        ? []
        : await db.query<{ entity_key: string; event_ts: string; values: Record<string, FeatureValue> }>(
            'select entity_key, event_ts, values from features_online where view = $1 and entity_key = any($2::text[])',
            [view.name, [...new Set(encoded)]],
          );
    const byKey = new Map(rows.map((row) => [row.entity_key, row]));
    const now = options.now ?? Date.now();
    return encoded.map((key) => {
      const row = byKey.get(key);
      if (!row || expired(view, Number(row.event_ts), now)) return null;
      const out: Record<string, FeatureValue> = {};
      for (const name of names) setFeature(out, name, Object.hasOwn(row.values, name) ? (row.values[name] ?? null) : null);
      return out;
    });
  }

  async function getWatermark(view: string): Promise<MaterializationWatermark | null> {
    const rows = await db.query<{ watermark: string; version: string; updated_at: string }>(
      'select watermark, version, updated_at from features_online_watermarks where view = $1',
      [view],
    );
    const row = rows[0];
    return row ? { to: Number(row.watermark), version: Number(row.version), updatedAt: Number(row.updated_at) } : null;
  }

  const store: OnlineStore = {
    kind: 'workspace',
    write,
    read,
    async deleteView(view) {
      checkViewName(view);
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from features_online where view = ${view}`);
        await tx.execute(sql`delete from features_online_watermarks where view = ${view}`);
      });
    },
    getWatermark,
    async setWatermark(view, watermark) {
      checkViewName(view);
      await db.query(
        `insert into features_online_watermarks (view, watermark, version, updated_at) values ($1, $2, $3, $4)
         on conflict (view) do update set watermark = excluded.watermark, version = excluded.version, updated_at = excluded.updated_at`,
        [view, watermark.to, watermark.version, Date.now()],
      );
    },
    async close() {
      // The workspace owns the database connection.
    },
    async [Symbol.asyncDispose]() {
      await store.close();
    },
  };
  return store;
}
