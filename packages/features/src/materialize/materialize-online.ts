import { type Database, MlpError } from '@mlp/core';
import type { OnlineStore } from '../online/online-store.js';
import type { OnlineRow } from '../online/online-view.js';
import type { ResolvedFeatureView } from '../registry/resolved-view.js';

export interface MaterializeOptions {
  /** Epoch ms, inclusive: rows with earlier event times are left out. The last run's end by default. */
  from?: number;
  /** Epoch ms, exclusive: now by default. */
  to?: number;
  signal?: AbortSignal;
  /** Called after each batch is written. */
  onProgress?: (progress: { rows: number; written: number }) => void;
}

export interface MaterializeResult {
  view: string;
  version: number;
  /** The event-time range materialised: [from, to); `from` null = from the beginning. */
  from: number | null;
  to: number;
  /** Entities read from the offline table (the newest row of each in the range). */
  rows: number;
  /** Entities whose online values were replaced or added. */
  written: number;
  /** Entities the store kept (it held a newer value) or left out (already past the TTL). */
  skipped: number;
  /** `workspace` or `redis`. */
  store: string;
}

/** Rows fetched from the offline table per round trip; each batch is written while the next is read. */
const fetchRows = 10_000;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Incremental materialisation: the newest row of each entity whose event time is in [from, to) is
 * read from the view version's offline table and written to the online store, which keeps a value
 * it holds with a newer time. Without `from` the range starts where the last run of the same view
 * version ended (from the beginning after a new version); the watermark moves to `to` afterwards,
 * never back. A row that arrives late, with an event time before the watermark, needs a run with
 * `from` at or before its time.
 */
export async function materializeOnline(
  db: Database,
  store: OnlineStore,
  view: ResolvedFeatureView,
  options: MaterializeOptions = {},
): Promise<MaterializeResult> {
  const to = options.to ?? Date.now();
  const mark = await store.getWatermark(view.name);
  const sameVersion = mark !== null && mark.version === view.version;
  const from = options.from ?? (sameVersion ? mark.to : null);
  if (!Number.isSafeInteger(to) || (from !== null && !Number.isSafeInteger(from))) {
    throw new MlpError('INVALID_ARGUMENT', 'Materialisation range bounds must be whole epoch milliseconds.');
  }
  if (from !== null && from > to) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Materialisation range is empty: from ${new Date(from).toISOString()} is after to ${new Date(to).toISOString()}.`,
    );
  }
  const keys = view.joinKeys.map((key) => quote(key.name));
  // The values as one JSON array per row, written by the database: parsing 50 columns a row in
  // JavaScript and serialising them again was most of a run. JSON has no NaN or infinities: null.
  const values = view.features.map((feature) =>
    feature.type === 'float64'
      ? `case when ${quote(feature.name)} in ('NaN', 'Infinity', '-Infinity') then null else ${quote(feature.name)} end`
      : quote(feature.name),
  );
  const columns = [...keys, 'event_ts', `json_build_array(${values.join(', ')})::text`];
  const where = from === null ? 'event_ts < $1' : 'event_ts >= $2 and event_ts < $1';
  const text = `select distinct on (${keys.join(', ')}) ${columns.join(', ')} from ${view.offlineTable} where ${where} order by ${keys.join(', ')}, event_ts desc, _seq desc`;
  const params = from === null ? [to] : [to, from];
  const keyCount = keys.length;

  let rows = 0;
  let written = 0;
  let skipped = 0;
  let pending: Promise<void> | undefined;
  const client = await db.connect();
  try {
    await client.query('begin read only');
    try {
      await client.query(`declare mlp_materialize no scroll cursor for ${text}`, params);
      for (;;) {
        options.signal?.throwIfAborted();
        const batch = await client.query<unknown[]>({ text: `fetch ${fetchRows} from mlp_materialize`, rowMode: 'array' });
        const online: OnlineRow[] = new Array(batch.rows.length);
        for (let i = 0; i < batch.rows.length; i++) {
          const row = batch.rows[i] as unknown[];
          online[i] = {
            key: row.slice(0, keyCount) as (string | number)[],
            eventTs: Number(row[keyCount]),
            values: row[keyCount + 1] as string,
          };
        }
        await pending; // one write in flight while the next batch is read
        rows += online.length;
        if (online.length === 0) break;
        pending = store.write(view, online).then((result) => {
          written += result.written;
          skipped += result.skipped;
          options.onProgress?.({ rows, written });
        });
        // An unobserved rejection would be reported before the next await collects it.
        pending.catch(() => {});
        if (online.length < fetchRows) break;
      }
      await pending;
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      if ((error as { code?: string }).code === '42P01') {
        throw new MlpError(
          'FAILED_PRECONDITION',
          `Feature view ${view.name} v${view.version} has no offline table yet: load it first (materialize does so when the features SDK opens it).`,
          { cause: error },
        );
      }
      throw error;
    }
  } finally {
    client.release();
  }
  const nextMark = sameVersion ? Math.max(mark.to, to) : to;
  await store.setWatermark(view.name, { to: nextMark, version: view.version });
  return { view: view.name, version: view.version, from, to, rows, written, skipped, store: store.kind };
}
