import { randomUUID } from 'node:crypto';
import { MlpError, type Workspace } from '@mlp/core';
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import { DatasetProfile, type DatasetProfileJson } from '../profile/dataset-profile.js';
import { profiles } from './schema.js';

/** A window of a monitored stream: [start, end) in epoch milliseconds. */
export interface ProfileWindow {
  start: number;
  end: number;
}

export interface StoredProfile {
  profileId: string;
  name: string;
  role: 'reference' | 'window';
  model: string | null;
  window: ProfileWindow | null;
  rows: number;
  profile: DatasetProfile;
  createdAt: number;
  updatedAt: number;
}

export interface ProfileStore {
  /** Stores `profile` as the reference named `name`, replacing an earlier one. */
  saveReference(name: string, profile: DatasetProfile): Promise<StoredProfile>;
  getReference(name: string): Promise<StoredProfile>;
  /**
   * Folds `profile` into the stored window (created when absent), atomically: concurrent writers of
   * the same window each add their rows.
   */
  addToWindow(name: string, window: ProfileWindow, profile: DatasetProfile, options?: { model?: string }): Promise<StoredProfile>;
  /** The windows of `name` starting in [from, to], oldest first. */
  listWindows(name: string, range?: { from?: number; to?: number }): Promise<StoredProfile[]>;
  /** The windows of `name` starting in [from, to] merged into one profile (their rows together). */
  mergeWindows(name: string, range: { from: number; to: number }): Promise<DatasetProfile>;
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/.test(name)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Profile name ${JSON.stringify(name)} is not valid: use letters, digits and . _ : @ / - (at most 200).`,
    );
  }
}

function checkWindow(window: ProfileWindow): void {
  if (!Number.isSafeInteger(window.start) || !Number.isSafeInteger(window.end) || window.end <= window.start) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Window [${window.start}, ${window.end}) is not a window: give whole epoch milliseconds with start < end.`,
    );
  }
}

type Row = typeof profiles.$inferSelect;

function toStored(row: Row): StoredProfile {
  return {
    profileId: row.profileId,
    name: row.name,
    role: row.role as StoredProfile['role'],
    model: row.model,
    window: row.windowStart !== null && row.windowEnd !== null ? { start: row.windowStart, end: row.windowEnd } : null,
    rows: row.rows,
    profile: DatasetProfile.fromJson(row.profile as DatasetProfileJson),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Opens the store of profiles in the workspace database (table `monitor_profiles`), applying its migrations first. */
export async function openProfileStore(workspace: Pick<Workspace, 'db' | 'migrate'>): Promise<ProfileStore> {
  await workspace.migrate(migrations);
  const db = workspace.db.drizzle;
  const store: ProfileStore = {
    async saveReference(name, profile) {
      checkName(name);
      const now = Date.now();
      const json = profile.toJson();
      const [row] = await db
        .insert(profiles)
        .values({ profileId: randomUUID(), name, role: 'reference', rows: profile.rows, profile: json, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: profiles.name,
          targetWhere: sql`role = 'reference'`,
          set: { rows: profile.rows, profile: json, updatedAt: now },
        })
        .returning();
      return toStored(row as Row);
    },

    async getReference(name) {
      const [row] = await db
        .select()
        .from(profiles)
        .where(and(eq(profiles.name, name), eq(profiles.role, 'reference')));
      if (!row)
        throw new MlpError('NOT_FOUND', `No reference profile named ${JSON.stringify(name)}: store one with saveReference(name, profile).`);
      return toStored(row);
    },

    async addToWindow(name, window, profile, options = {}) {
      checkName(name);
      checkWindow(window);
      return workspace.db.transaction(async (tx) => {
        const now = Date.now();
        const inserted = await tx
          .insert(profiles)
          .values({
            profileId: randomUUID(),
            name,
            role: 'window',
            model: options.model ?? null,
            windowStart: window.start,
            windowEnd: window.end,
            rows: profile.rows,
            profile: profile.toJson(),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: [profiles.name, profiles.windowStart, profiles.windowEnd], where: sql`role = 'window'` })
          .returning();
        if (inserted[0]) return toStored(inserted[0]);
        const [current] = await tx
          .select()
          .from(profiles)
          .where(
            and(
              eq(profiles.name, name),
              eq(profiles.role, 'window'),
              eq(profiles.windowStart, window.start),
              eq(profiles.windowEnd, window.end),
            ),
          )
          .for('update');
        if (!current)
          throw new MlpError('CONFLICT', `The window ${name} [${window.start}, ${window.end}) changed while being written: try again.`);
        const merged = DatasetProfile.fromJson(current.profile as DatasetProfileJson);
        merged.merge(profile);
        const [row] = await tx
          .update(profiles)
          .set({ rows: merged.rows, profile: merged.toJson(), updatedAt: now })
          .where(eq(profiles.profileId, current.profileId))
          .returning();
        return toStored(row as Row);
      });
    },

    async listWindows(name, range = {}) {
      const rows = await db
        .select()
        .from(profiles)
        .where(
          and(
            eq(profiles.name, name),
            eq(profiles.role, 'window'),
            range.from !== undefined ? gte(profiles.windowStart, range.from) : undefined,
            range.to !== undefined ? lte(profiles.windowStart, range.to) : undefined,
          ),
        )
        .orderBy(asc(profiles.windowStart));
      return rows.map(toStored);
    },

    async mergeWindows(name, range) {
      const windows = await store.listWindows(name, range);
      if (windows.length === 0) {
        throw new MlpError(
          'NOT_FOUND',
          `No window of ${JSON.stringify(name)} starts between ${range.from} and ${range.to}: fold some predictions in first.`,
        );
      }
      const [first, ...rest] = windows as [StoredProfile, ...StoredProfile[]];
      for (const window of rest) first.profile.merge(window.profile);
      return first.profile;
    },
  };
  return store;
}
