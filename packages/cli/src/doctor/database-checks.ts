import path from 'node:path';
import {
  type Database,
  embeddedDatabaseState,
  embeddedEngine,
  type Logger,
  type MigrationSet,
  maskUrl,
  pendingMigrations,
  postgresEngine,
  type ResolvedConfig,
} from '@mlp/core';
import { type DoctorCheck, reason } from './doctor-check.js';

/** Connects without migrating (so pending migrations show) and asks the server its version. */
export async function checkDatabase(config: ResolvedConfig, logger: Logger): Promise<{ check: DoctorCheck; db?: Database }> {
  const url = config.database.url;
  const engine = [embeddedEngine, postgresEngine].find((candidate) => candidate.accepts(url));
  const fail = (detail: string): { check: DoctorCheck } => ({
    check: { name: 'database', ok: false, required: true, detail, info: { url: maskUrl(url) } },
  });
  if (!engine) return fail(`No database engine accepts ${maskUrl(url)}; use "embedded" or a postgres:// URL.`);
  // The doctor reports; it does not create: opening an embedded engine that has no data folder would make one.
  if (engine === embeddedEngine) {
    const state = embeddedDatabaseState(config.stateDir);
    if (state === 'absent')
      return fail(`The embedded database in ${path.join(config.stateDir, 'db')} has not been created yet. Run \`mlp init\`.`);
    if (state === 'missing')
      return fail(
        `The database at ${path.join(config.stateDir, 'db')} is missing, though this workspace had one; restore it from a backup, or run \`mlp init --reset-db\` to start empty.`,
      );
  }
  let db: Database | undefined;
  try {
    db = await engine.open({ url, stateDir: config.stateDir, logger, applicationName: 'mlp doctor' });
    const [row] = await db.query<{ version: string }>('select version() as version');
    const full = row?.version ?? 'unknown';
    const version = /^\S+ [^\s,]+/.exec(full)?.[0] ?? full;
    return {
      check: {
        name: 'database',
        ok: true,
        required: true,
        detail: `${db.displayUrl}: ${version}`, // displayUrl names the engine: "embedded (…)", "postgres://…"
        info: { engine: db.engine, url: db.displayUrl, serverVersion: full },
      },
      db,
    };
  } catch (error) {
    await db?.close().catch(() => {});
    return fail(reason(error));
  }
}

/** Every package's migrations must be applied; pending ones are applied by `mlp init` or any command that opens the workspace. */
export async function checkMigrations(db: Database, sets: readonly MigrationSet[]): Promise<DoctorCheck> {
  const parts: string[] = [];
  const info: Record<string, { applied: number; pending: string[] }> = {};
  let ok = true;
  try {
    for (const set of sets) {
      const pending = await pendingMigrations(db, set);
      const applied = set.migrations.length - pending.length;
      info[set.package] = { applied, pending: pending.map((migration) => migration.id) };
      if (pending.length > 0) ok = false;
      parts.push(
        `${set.package}: ${applied} applied${pending.length > 0 ? `, ${pending.length} pending (${pending.map((migration) => migration.id).join(', ')})` : ''}`,
      );
    }
  } catch (error) {
    return { name: 'migrations', ok: false, required: true, detail: reason(error), info };
  }
  const detail = parts.join('; ') + (ok ? '' : '. Run `mlp init` to apply them.');
  return { name: 'migrations', ok, required: true, detail, info };
}
