import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { MlpError, type MonitorDriftPoint, type Workspace } from '@mlp/core';
import { and, asc, desc, eq, gte, lte, max } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import { alerts } from '../store/alert-schema.js';
import { monitorResults, monitors, monitorTicks } from '../store/monitor-schema.js';
import { profiles } from '../store/schema.js';
import type { MonitorWindowResult } from './monitor-result.js';
import { type MonitorSpec, parseMonitorSpec } from './monitor-spec.js';

export interface StoredMonitor {
  spec: MonitorSpec;
  hasWebhookSecret: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface StoredWindowResult {
  monitor: string;
  windowStart: number;
  windowEnd: number;
  rows: number;
  datasetDrift: boolean;
  driftShare: number;
  result: MonitorWindowResult;
  computedAt: number;
}

/** One point of the drift-over-time view: a window's drift share and each column's score (core's contract). */
export type DriftPoint = MonitorDriftPoint;

export interface MonitorStore {
  /** Stores a new monitor; `ALREADY_EXISTS` when the name is taken. Returns the webhook secret made for it (shown once). */
  create(spec: MonitorSpec): Promise<{ monitor: StoredMonitor; webhookSecret: string | null }>;
  get(name: string): Promise<StoredMonitor>;
  list(): Promise<StoredMonitor[]>;
  /** Removes the monitor, its results, ticks, reference profile and alerts. */
  delete(name: string): Promise<void>;
  webhookSecret(name: string): Promise<string | null>;
  /** Stores a window's result, replacing an earlier computation of the same window. */
  saveResult(result: Omit<StoredWindowResult, 'computedAt'>): Promise<StoredWindowResult>;
  /** Results whose window ends in [from, to], newest first. */
  results(name: string, options?: { from?: number; to?: number; limit?: number }): Promise<StoredWindowResult[]>;
  /** Drift over time: the windows ending in [from, to], oldest first (what the UI charts). */
  driftOverTime(name: string, options?: { from?: number; to?: number; limit?: number }): Promise<DriftPoint[]>;
  /** Claims a schedule tick: true for exactly one caller across processes, false for every other. */
  claimTick(name: string, tick: number): Promise<boolean>;
  /** The latest tick claimed, or null. */
  lastTick(name: string): Promise<number | null>;
}

type ResultRow = typeof monitorResults.$inferSelect;

const toMonitor = (row: typeof monitors.$inferSelect): StoredMonitor => ({
  spec: parseMonitorSpec(row.spec),
  hasWebhookSecret: row.webhookSecret !== null,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const toResult = (row: ResultRow): StoredWindowResult => ({
  monitor: row.monitor,
  windowStart: row.windowStart,
  windowEnd: row.windowEnd,
  rows: row.rows,
  datasetDrift: row.datasetDrift,
  driftShare: row.driftShare,
  result: row.result as MonitorWindowResult,
  computedAt: row.computedAt,
});

export const driftPointOf = (stored: StoredWindowResult): DriftPoint => ({
  windowStart: stored.windowStart,
  windowEnd: stored.windowEnd,
  rows: stored.rows,
  datasetDrift: stored.datasetDrift,
  driftShare: stored.driftShare,
  columns: stored.result.drift.columns.map(({ column, test, score, threshold, drifted }) => ({ column, test, score, threshold, drifted })),
});

const notFound = (name: string) =>
  new MlpError(
    'NOT_FOUND',
    `No monitor named ${JSON.stringify(name)}: list them with \`mlp monitor ls\`, create one with \`mlp monitor create\`.`,
  );

/** The name a monitor's reference profile is stored under in `monitor_profiles`. */
export const referenceProfileName = (monitor: string) => `monitor:${monitor}`;

const claimant = `${hostname()}:${process.pid}`;

/** Opens the store of monitors (tables `monitor_monitors`, `monitor_results`, `monitor_ticks`), applying the migrations first. */
export async function openMonitorStore(workspace: Pick<Workspace, 'db' | 'migrate'>): Promise<MonitorStore> {
  await workspace.migrate(migrations);
  const db = workspace.db.drizzle;
  const store: MonitorStore = {
    async create(input) {
      const spec = parseMonitorSpec(input);
      const now = Date.now();
      const webhookSecret = spec.webhookUrl ? randomBytes(24).toString('base64url') : null;
      const inserted = await db
        .insert(monitors)
        .values({ name: spec.name, spec, webhookSecret, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!inserted[0])
        throw new MlpError(
          'ALREADY_EXISTS',
          `A monitor named ${spec.name} exists: pick another name, or \`mlp monitor delete ${spec.name}\` first.`,
        );
      return { monitor: toMonitor(inserted[0]), webhookSecret };
    },

    async get(name) {
      const [row] = await db.select().from(monitors).where(eq(monitors.name, name));
      if (!row) throw notFound(name);
      return toMonitor(row);
    },

    async list() {
      return (await db.select().from(monitors).orderBy(asc(monitors.name))).map(toMonitor);
    },

    async delete(name) {
      await workspace.db.transaction(async (tx) => {
        const removed = await tx.delete(monitors).where(eq(monitors.name, name)).returning({ name: monitors.name });
        if (!removed[0]) throw notFound(name);
        await tx.delete(monitorResults).where(eq(monitorResults.monitor, name));
        await tx.delete(monitorTicks).where(eq(monitorTicks.monitor, name));
        await tx.delete(alerts).where(eq(alerts.monitor, name));
        await tx.delete(profiles).where(eq(profiles.name, referenceProfileName(name)));
      });
    },

    async webhookSecret(name) {
      const [row] = await db.select({ secret: monitors.webhookSecret }).from(monitors).where(eq(monitors.name, name));
      return row?.secret ?? null;
    },

    async saveResult(result) {
      const computedAt = Date.now();
      const values = { ...result, computedAt };
      const [row] = await db
        .insert(monitorResults)
        .values(values)
        .onConflictDoUpdate({
          target: [monitorResults.monitor, monitorResults.windowStart, monitorResults.windowEnd],
          set: {
            rows: values.rows,
            datasetDrift: values.datasetDrift,
            driftShare: values.driftShare,
            result: values.result,
            computedAt,
          },
        })
        .returning();
      return toResult(row as ResultRow);
    },

    async results(name, options = {}) {
      const rows = await db
        .select()
        .from(monitorResults)
        .where(
          and(
            eq(monitorResults.monitor, name),
            options.from !== undefined ? gte(monitorResults.windowEnd, options.from) : undefined,
            options.to !== undefined ? lte(monitorResults.windowEnd, options.to) : undefined,
          ),
        )
        .orderBy(desc(monitorResults.windowEnd), desc(monitorResults.windowStart))
        .limit(options.limit ?? 100);
      return rows.map(toResult);
    },

    async driftOverTime(name, options = {}) {
      const newest = await store.results(name, { ...options, limit: options.limit ?? 1000 });
      return newest.reverse().map(driftPointOf);
    },

    async claimTick(name, tick) {
      const claimed = await db
        .insert(monitorTicks)
        .values({ monitor: name, tick, claimedAt: Date.now(), claimedBy: claimant })
        .onConflictDoNothing()
        .returning({ tick: monitorTicks.tick });
      return claimed.length === 1;
    },

    async lastTick(name) {
      const [row] = await db
        .select({ last: max(monitorTicks.tick) })
        .from(monitorTicks)
        .where(eq(monitorTicks.monitor, name));
      return row?.last === null || row?.last === undefined ? null : Number(row.last);
    },
  };
  return store;
}
