import { type Database, isDatabaseDamage, type MigrationSet } from '@mlp/core';
import { type DoctorCheck, reason } from './doctor-check.js';

export interface PackageTable {
  package: string;
  table: string;
}

const createTable = /\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?"?([a-z_][a-z0-9_]*)"?/gi;
const dropTable = /\bdrop\s+table\s+(?:if\s+exists\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** The tables each package's migrations leave behind (created and not dropped later), and the migrations ledger. */
export function migrationTables(sets: readonly MigrationSet[]): PackageTable[] {
  const tables: PackageTable[] = [{ package: 'mlp', table: 'mlp_migrations' }];
  for (const set of sets) {
    const owned = new Set<string>();
    for (const migration of set.migrations) {
      for (const [, name] of migration.sql.matchAll(createTable)) owned.add(name as string);
      for (const [, name] of migration.sql.matchAll(dropTable)) owned.delete(name as string);
    }
    for (const table of owned) tables.push({ package: set.package, table });
  }
  return tables;
}

/**
 * Reads the first row of every table, so a database whose files are missing or corrupt fails here
 * (a server that answers `select version()` can still have lost a table's files).
 */
export async function checkTables(db: Database, sets: readonly MigrationSet[]): Promise<DoctorCheck> {
  const tables = migrationTables(sets);
  const failed: { package: string; table: string; error: string; damaged: boolean }[] = [];
  for (const { package: owner, table } of tables) {
    try {
      await db.query(`select 1 from "${table}" limit 1`);
    } catch (error) {
      // A table of a migration not applied yet is the migrations check's finding, not damage.
      if ((error as { code?: unknown }).code === '42P01') continue;
      failed.push({ package: owner, table, error: reason(error), damaged: isDatabaseDamage(error) });
    }
  }
  if (failed.length === 0) {
    return { name: 'tables', ok: true, required: true, detail: `read ${tables.length} tables`, info: { tables: tables.length, failed } };
  }
  const list = failed.map((entry) => `${entry.table} (${entry.package}): ${entry.error}`).join('; ');
  const advice = failed.some((entry) => entry.damaged)
    ? db.engine === 'embedded'
      ? 'The database is damaged: restore .mlp/db from a backup, or move it away (mv .mlp/db .mlp/db.damaged) and run `mlp init --reset-db` to start empty.'
      : 'The database is damaged: restore it from a backup on the server.'
    : 'Check the database server and its permissions.';
  return {
    name: 'tables',
    ok: false,
    required: true,
    detail: `${failed.length} of ${tables.length} tables cannot be read: ${list}. ${advice}`,
    info: { tables: tables.length, failed },
  };
}
