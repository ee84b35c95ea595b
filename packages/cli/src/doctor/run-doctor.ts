import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, MigrationSet } from '@mlp/core';
import { checkBlobStore } from './blob-check.js';
import { checkDatabase, checkMigrations } from './database-checks.js';
import type { DoctorCheck, DoctorReport } from './doctor-check.js';
import { checkConfig, checkNode, checkWorkspaceFolder } from './environment-checks.js';
import { checkOptionalBackends } from './optional-backends.js';
import { checkTables } from './tables-check.js';

export interface DoctorOptions {
  dir: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Every package's migrations, the core's first. */
  migrations: readonly MigrationSet[];
  onProgress?: (message: string) => void;
}

/** Runs every check in order; a check that cannot run because an earlier one failed says so. Never throws for a broken setup. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const progress = options.onProgress ?? (() => {});
  const checks: DoctorCheck[] = [checkNode()];
  const { check: configCheck, config } = checkConfig(options.dir, options.env);
  checks.push(configCheck);

  const skipped = (name: string, because: string): DoctorCheck => ({ name, ok: false, required: true, detail: `not checked: ${because}` });
  const workspace = config ? checkWorkspaceFolder(config) : undefined;
  if (workspace) checks.push(workspace);

  if (!config || !workspace?.ok) {
    const because = config ? 'the workspace folder is missing' : 'the configuration is invalid';
    checks.push(skipped('database', because), skipped('migrations', because), skipped('tables', because), skipped('blobs', because));
  } else {
    progress('Checking the database…');
    const { check: databaseCheck, db } = await checkDatabase(config, options.logger);
    checks.push(databaseCheck);
    if (db) {
      try {
        checks.push(await checkMigrations(db, options.migrations));
        progress('Reading every table…');
        checks.push(await checkTables(db, options.migrations));
      } finally {
        await db.close().catch((error: unknown) => options.logger.warn({ err: error }, 'closing the database failed'));
      }
    } else {
      checks.push(skipped('migrations', 'the database is unreachable'), skipped('tables', 'the database is unreachable'));
    }
    progress('Checking the blob store…');
    checks.push(await checkBlobStore(config));
  }

  const here = path.dirname(fileURLToPath(import.meta.url));
  checks.push(...checkOptionalBackends([here, options.dir]));
  return { ok: checks.every((check) => check.ok || !check.required), workspace: config?.dir ?? path.resolve(options.dir), checks };
}
