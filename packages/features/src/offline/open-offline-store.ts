import { type DatasetResolver, MlpError, type Workspace } from '@mlp/core';
import { and, eq, sql } from 'drizzle-orm';
import type { JoinKey } from '../definitions/entity.js';
import type { FeatureType, FeatureValue } from '../definitions/feature-types.js';
import type { OnDemandFeaturesDefinition } from '../definitions/on-demand-features.js';
import { migrations } from '../generated/migrations.js';
import type { FeatureRegistry, ResolvedFeatureView } from '../registry/resolved-view.js';
import { resolveDataset } from '../sources/inspect-source.js';
import { quoteTableName } from '../sources/source-connection.js';
import { offlineLoads } from '../store/schema.js';
import { type FeatureRef, parseFeatureRef } from './feature-refs.js';
import { type EntitySource, loadEntities } from './load-entities.js';
import { materializeOffline, type OfflineLoad } from './materialize-offline.js';
import { buildPitTables, type PitTables, pitTablesOf } from './pit-tables.js';
import { pointInTimeSql, type ViewSelection } from './point-in-time-sql.js';
import { joinWorkMem, readRows } from './read-rows.js';
import type { TrainingSet, TrainingSetColumn, TrainingSetView } from './training-set.js';
import { formatOf, isoTimestampSql, writeTrainingSet } from './write-training-set.js';

export interface TrainingSetRequest {
  /** The entity rows: join keys, the event time, and any other columns (labels), kept as they are. */
  entities: EntitySource;
  /** `['carrier_stats:dep_delay,arr_delay', 'route_stats']` or objects. */
  features: readonly (string | FeatureRef)[];
  /** The entity rows' event-time column; `event_timestamp` by default. */
  timestampColumn?: string;
  /** On-demand features computed on each row from its features and columns. */
  onDemand?: readonly OnDemandFeaturesDefinition[];
  /** Reload the views' offline tables from their sources first (a table or query source is otherwise read once). */
  refresh?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: { message: string }) => void;
}

export interface OfflineStore {
  /** Loads (again) a view version's offline table from its source. */
  materialize(view: string, options?: { version?: number; signal?: AbortSignal }): Promise<OfflineLoad>;
  /** The last load of a view version, or null before the first. */
  lastLoad(view: string, version: number): Promise<OfflineLoad | null>;
  /** Builds a point-in-time correct training set; `close()` it when done. */
  trainingSet(request: TrainingSetRequest): Promise<TrainingSet>;
}

function select(view: ResolvedFeatureView, ref: FeatureRef): ViewSelection {
  const known = new Map(view.features.map((feature) => [feature.name, feature.type]));
  const names = ref.features ?? view.features.map((feature) => feature.name);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new MlpError(
      'NOT_FOUND',
      `Feature view ${view.name} v${view.version} has no feature ${unknown.join(', ')}; its features are: ${[...known.keys()].join(', ')}.`,
      {
        details: { view: view.name, unknown },
      },
    );
  }
  return { view, features: names.map((name) => ({ name, type: known.get(name) as FeatureType, as: name })) };
}

/** Join keys of every view, each once; two views may share a key only with the same type. */
function unionKeys(selections: readonly ViewSelection[]): JoinKey[] {
  const keys = new Map<string, JoinKey>();
  for (const { view } of selections) {
    for (const key of view.joinKeys) {
      const known = keys.get(key.name);
      if (known && known.type !== key.type) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `The join key ${key.name} is ${known.type} in one view and ${key.type} in ${view.name}: the entity rows can hold only one.`,
        );
      }
      keys.set(key.name, key);
    }
  }
  return [...keys.values()];
}

/** Opens the offline store: materialised feature tables and point-in-time training sets on the workspace database. */
export async function openOfflineStore(
  workspace: Pick<Workspace, 'db' | 'migrate'>,
  options: { registry: FeatureRegistry; datasets?: DatasetResolver | undefined },
): Promise<OfflineStore> {
  await workspace.migrate(migrations);
  const { db } = workspace;
  const { registry, datasets } = options;
  const lastLoad = async (view: string, version: number): Promise<OfflineLoad | null> => {
    const [row] = await db.drizzle
      .select()
      .from(offlineLoads)
      .where(and(eq(offlineLoads.view, view), eq(offlineLoads.version, version)));
    return row ? { ...row, sourceState: row.sourceState as OfflineLoad['sourceState'], pit: row.pit as OfflineLoad['pit'] } : null;
  };
  /** The load's point-in-time tables, built once per load (one builder at a time per view version). */
  const ensurePit = async (view: ResolvedFeatureView, load: OfflineLoad): Promise<PitTables> => {
    if (load.pit) return { ...pitTablesOf(view), ...load.pit };
    const client = await db.connect();
    try {
      await client.query('begin');
      try {
        await client.query('select pg_advisory_xact_lock(hashtext($1))', [`mlp features pit ${view.name}`]);
        const [row] = (
          await client.query('select pit, loaded_at from features_offline_loads where view = $1 and version = $2', [
            view.name,
            view.version,
          ])
        ).rows;
        let tables: PitTables;
        if (row?.pit && Number(row.loaded_at) === load.loadedAt) tables = { ...pitTablesOf(view), ...row.pit };
        else {
          tables = await buildPitTables(client, view);
          await client.query('update features_offline_loads set pit = $3 where view = $1 and version = $2', [
            view.name,
            view.version,
            { bucketMs: tables.bucketMs },
          ]);
        }
        await client.query('commit');
        return tables;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    } finally {
      client.release();
    }
  };
  /** The load to read: the last one, unless missing, asked to refresh, or of another dataset version. */
  const ensureLoaded = async (view: ResolvedFeatureView, refresh: boolean, signal?: AbortSignal): Promise<OfflineLoad> => {
    const last = await lastLoad(view.name, view.version);
    if (last && !refresh) {
      if (!('dataset' in view.source) || last.sourceState.kind !== 'dataset') return last;
      const current = await resolveDataset(view.source.dataset, datasets);
      if (current.version.rootHash === last.sourceState.rootHash) return last;
    }
    return materializeOffline(db, view, { datasets, signal });
  };
  return {
    async materialize(name, materializeOptions = {}) {
      return materializeOffline(db, await registry.getView(name, materializeOptions.version), {
        datasets,
        signal: materializeOptions.signal,
      });
    },
    lastLoad,
    async trainingSet(request) {
      const timestampColumn = request.timestampColumn ?? 'event_timestamp';
      const progress = request.onProgress ?? (() => {});
      if (request.features.length === 0 && (request.onDemand ?? []).length === 0) {
        throw new MlpError('INVALID_ARGUMENT', 'A training set needs features: name at least one, as VIEW:f1,f2 or VIEW.');
      }
      const refs = request.features.map((ref) => (typeof ref === 'string' ? parseFeatureRef(ref) : ref));
      // on-demand features read their source views' features: every feature of those views is joined
      for (const onDemand of request.onDemand ?? []) {
        for (const source of onDemand.sources) if (!refs.some((ref) => ref.view === source.name)) refs.push({ view: source.name });
      }
      const selections: ViewSelection[] = [];
      for (const ref of refs) {
        if (selections.some((selection) => selection.view.name === ref.view)) {
          throw new MlpError(
            'INVALID_ARGUMENT',
            `The feature view ${ref.view} is named twice: list its features once, as ${ref.view}:f1,f2.`,
          );
        }
        selections.push(select(await registry.getView(ref.view, ref.version), ref));
      }
      const loads: OfflineLoad[] = [];
      const joined: (ViewSelection & { pit: PitTables })[] = [];
      for (const selection of selections) {
        progress({ message: `loading ${selection.view.name} v${selection.view.version}` });
        const load = await ensureLoaded(selection.view, request.refresh ?? false, request.signal);
        loads.push(load);
        joined.push({ ...selection, pit: await ensurePit(selection.view, load) });
      }
      progress({ message: 'loading the entity rows' });
      const entities = await loadEntities(db, request.entities, unionKeys(selections), timestampColumn, request.signal);
      try {
        // a feature named like an entity column or another view's feature is output as view__feature
        const taken = new Set(entities.columns.map((column) => column.name));
        const counts = new Map<string, number>();
        for (const selection of selections)
          for (const feature of selection.features) counts.set(feature.name, (counts.get(feature.name) ?? 0) + 1);
        for (const selection of selections) {
          for (const feature of selection.features) {
            if (taken.has(feature.name) || (counts.get(feature.name) ?? 0) > 1) feature.as = `${selection.view.name}__${feature.name}`;
            taken.add(feature.as);
          }
        }
        const onDemand = request.onDemand ?? [];
        const columns: TrainingSetColumn[] = [
          ...entities.columns,
          ...selections.flatMap((selection) => selection.features.map((feature) => ({ name: feature.as, type: feature.type }))),
          ...onDemand.flatMap((definition) => definition.outputs.map((output) => ({ ...output }))),
        ];
        const names = new Set<string>();
        for (const column of columns) {
          if (names.has(column.name))
            throw new MlpError(
              'INVALID_ARGUMENT',
              `Two columns of the training set would be named ${column.name}: rename an on-demand output or an entity column.`,
            );
          names.add(column.name);
        }
        const entityTypes = new Map(entities.columns.map((column) => [column.name, column.type]));
        const sqlFor = (iso: boolean) =>
          pointInTimeSql({
            entities: entities.table,
            entityColumns: entities.columns.map((column) => column.name),
            entityTypes,
            timestampColumn,
            selections: joined,
            ...(iso
              ? {
                  render: (_column: string, type: FeatureType, expression: string) =>
                    type === 'timestamp' ? isoTimestampSql(expression) : expression,
                }
              : {}),
          });
        const joinedColumns = columns.slice(0, columns.length - onDemand.reduce((sum, definition) => sum + definition.outputs.length, 0));
        const rows = async function* (options: { batchSize?: number } = {}): AsyncIterable<Record<string, FeatureValue>> {
          // on-demand features see the row by feature name (and view__feature), plus the entity columns
          const renamed = selections.flatMap((selection) => selection.features.filter((feature) => feature.as !== feature.name));
          for await (const row of readRows(db, sqlFor(false), joinedColumns, options.batchSize ?? 10_000)) {
            if (onDemand.length === 0) {
              yield row;
              continue;
            }
            const input: Record<string, FeatureValue> = { ...row };
            for (const feature of renamed) if (!(feature.name in input)) input[feature.name] = row[feature.as] ?? null;
            for (const definition of onDemand) Object.assign(row, definition.apply(input));
            yield row;
          }
        };
        const views: TrainingSetView[] = selections.map((selection, index) => {
          const load = loads[index] as OfflineLoad;
          return {
            name: selection.view.name,
            version: selection.view.version,
            features: selection.features.map((feature) => feature.name),
            source: selection.view.source,
            datasetVersion: load.sourceState.kind === 'dataset' ? { ref: load.sourceState.ref, rootHash: load.sourceState.rootHash } : null,
            loadedAt: load.loadedAt,
          };
        });
        let closed = false;
        const close = async () => {
          if (closed) return;
          closed = true;
          await entities.drop();
        };
        return {
          columns,
          rowCount: entities.rows,
          views,
          rows,
          async writeFile(file, writeOptions = {}) {
            const format = formatOf(file, writeOptions.format);
            progress({ message: `writing ${entities.rows} rows` });
            const written = await writeTrainingSet({
              db,
              file,
              format,
              columns,
              copySql: sqlFor,
              ...(onDemand.length > 0 ? { rows: () => rows() } : {}),
              signal: writeOptions.signal ?? request.signal,
            });
            return { path: file, format, rows: written };
          },
          async writeTable(name, tableOptions = {}) {
            if (!/^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
              throw new MlpError(
                'INVALID_ARGUMENT',
                `${JSON.stringify(name)} is not a table name: write table or schema.table (letters, digits, _).`,
              );
            }
            const table = quoteTableName(name);
            const written = await db.transaction(async (tx) => {
              await tx.execute(sql.raw(joinWorkMem));
              const result = await tx
                .execute(sql.raw(`create table ${table} as ${sqlFor(false)}`))
                .catch((error: { code?: string; cause?: { code?: string } }) => {
                  if ((error.code ?? error.cause?.code) === '42P07')
                    throw new MlpError('ALREADY_EXISTS', `The table ${name} exists: name another, or drop it first.`, { cause: error });
                  throw error;
                });
              return result.rowCount ?? 0;
            });
            tableOptions.signal?.throwIfAborted();
            return { table: name, rows: written };
          },
          close,
          [Symbol.asyncDispose]: close,
        };
      } catch (error) {
        await entities.drop().catch(() => {});
        throw error;
      }
    },
  };
}
