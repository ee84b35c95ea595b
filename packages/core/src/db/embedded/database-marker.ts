import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '../../errors/mlp-error.js';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';

/**
 * `.mlp/db.created` records that the embedded database was once created here, so an open can tell a
 * workspace that never had one (create it) from one whose `.mlp/db` was deleted (refuse: starting
 * empty would hide the loss of every run, version and model).
 */
const MARKER = 'db.created';

/** `absent`: never created; `present`: `.mlp/db` exists; `missing`: created once, now gone. */
export type EmbeddedDatabaseState = 'absent' | 'present' | 'missing';

export function embeddedDatabaseState(stateDir: string): EmbeddedDatabaseState {
  if (existsSync(path.join(stateDir, 'db'))) return 'present';
  return existsSync(path.join(stateDir, MARKER)) ? 'missing' : 'absent';
}

export function missingDatabaseError(): MlpError {
  return new MlpError(
    'FAILED_PRECONDITION',
    'The database at .mlp/db is missing; restore it from a backup, or run `mlp init --reset-db` to start empty.',
  );
}

/** Records that the database exists; also marks workspaces created before the marker existed. */
export async function markDatabaseCreated(stateDir: string): Promise<void> {
  const file = path.join(stateDir, MARKER);
  if (!existsSync(file)) await writeFileAtomic(file, `${JSON.stringify({ created_at: Date.now() })}\n`);
}

/**
 * Lets the next open create an empty database where a created one went missing (`mlp init --reset-db`).
 * It never deletes a database: one that is still there (even damaged) must be moved away first.
 */
export async function allowEmptyDatabase(stateDir: string): Promise<void> {
  if (embeddedDatabaseState(stateDir) === 'present') {
    throw new MlpError(
      'FAILED_PRECONDITION',
      'The database at .mlp/db exists; --reset-db only starts an empty database in place of a missing one. ' +
        'To replace a damaged database, move it away first (mv .mlp/db .mlp/db.damaged), then run `mlp init --reset-db`.',
    );
  }
  await rm(path.join(stateDir, MARKER), { force: true });
}
