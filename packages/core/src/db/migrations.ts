import { createHash } from 'node:crypto';
import { MlpError } from '../errors/mlp-error.js';
import type { Database } from './database.js';
import { databaseDamagedError, isDatabaseDamage } from './database-damage.js';

export interface Migration {
  /** Stable name, in order (drizzle-kit's tag, such as `0000_events`). */
  id: string;
  sql: string;
}

/** One package's migrations, in the order they apply. Append only: an applied migration never changes. */
export interface MigrationSet {
  package: string;
  migrations: readonly Migration[];
}

// One key for the whole database: migrations of all packages apply one process at a time.
const MIGRATION_LOCK_KEY = 0x6d6c70_6d6967; // "mlp" "mig"

const createLedger = `create table if not exists mlp_migrations (
  package text not null,
  id text not null,
  checksum text not null,
  applied_at timestamptz not null default now(),
  primary key (package, id)
)`;

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Migrations of `set` not yet applied; throws when the database has changed under the code. */
export async function pendingMigrations(db: Database, set: MigrationSet): Promise<Migration[]> {
  let applied: { id: string; checksum: string }[];
  try {
    applied = await db.query<{ id: string; checksum: string }>('select id, checksum from mlp_migrations where package = $1', [set.package]);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return [...set.migrations]; // no ledger yet
    // The first query of every open: a damaged database says so here, not as an unexpected failure.
    if (isDatabaseDamage(error)) throw databaseDamagedError(error);
    throw error;
  }
  const known = new Map(set.migrations.map((migration) => [migration.id, migration]));
  for (const row of applied) {
    const migration = known.get(row.id);
    if (!migration) {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `The database has migration ${row.id} of ${set.package}, which this version of ${set.package} does not know: the database was upgraded by a newer version. Upgrade ${set.package}.`,
      );
    }
    if (checksum(migration.sql) !== row.checksum) {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Migration ${row.id} of ${set.package} differs from the one applied to this database. Applied migrations must never change: add a new migration instead.`,
      );
    }
  }
  const done = new Set(applied.map((row) => row.id));
  return set.migrations.filter((migration) => !done.has(migration.id));
}

/**
 * Applies pending migrations under an advisory lock, each in its own transaction with its ledger row,
 * so concurrent openers wait for one another and a failure leaves the database at the last good step.
 */
export async function applyMigrations(db: Database, set: MigrationSet): Promise<Migration[]> {
  if ((await pendingMigrations(db, set)).length === 0) return [];
  const client = await db.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(createLedger);
      const pending = await pendingMigrations(db, set); // again: another process may have applied them meanwhile
      for (const migration of pending) {
        try {
          await client.query('begin');
          await client.query(migration.sql);
          await client.query('insert into mlp_migrations (package, id, checksum) values ($1, $2, $3)', [
            set.package,
            migration.id,
            checksum(migration.sql),
          ]);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw new MlpError(
            'INTERNAL',
            `Migration ${migration.id} of ${set.package} failed: ${(error as Error).message}. The database is left at the previous migration.`,
            {
              cause: error,
            },
          );
        }
      }
      return pending;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
