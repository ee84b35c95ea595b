import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlpError } from '../../errors/mlp-error.js';
import { createSilentLogger } from '../../logger/logger.js';
import { createTempDir, type TempDir } from '../../testing/temp-dir.js';
import { openWorkspace } from '../../workspace/open-workspace.js';
import { allowEmptyDatabase, embeddedDatabaseState } from './database-marker.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await createTempDir('mlp-db-marker-');
});
afterEach(() => temp.remove());

const open = () => openWorkspace({ dir: temp.path, env: {}, logger: createSilentLogger() });
const dataDir = () => path.join(temp.path, '.mlp', 'db');

async function openError(): Promise<MlpError> {
  const error = await open().then(
    async (workspace) => {
      await workspace.close();
      throw new Error('expected the open to fail');
    },
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw error;
  return error;
}

describe('a deleted embedded database', () => {
  it('is not silently replaced by an empty one; --reset-db (allowEmptyDatabase) lets it start empty', async () => {
    const first = await open();
    await first.db.query('create table notes (body text)');
    await first.close();
    await rm(dataDir(), { recursive: true });
    expect(embeddedDatabaseState(path.join(temp.path, '.mlp'))).toBe('missing');

    const error = await openError();
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toBe(
      'The database at .mlp/db is missing; restore it from a backup, or run `mlp init --reset-db` to start empty.',
    );
    expect(existsSync(dataDir())).toBe(false);

    await allowEmptyDatabase(path.join(temp.path, '.mlp'));
    const fresh = await open();
    expect(await fresh.db.query("select to_regclass('notes') as t")).toEqual([{ t: null }]);
    await fresh.close();
    expect(embeddedDatabaseState(path.join(temp.path, '.mlp'))).toBe('present');
  });

  it('marks a workspace created before the marker existed when it opens it', async () => {
    await (await open()).close();
    await rm(path.join(temp.path, '.mlp', 'db.created'));
    await (await open()).close();
    await rm(dataDir(), { recursive: true });
    expect((await openError()).code).toBe('FAILED_PRECONDITION');
  });

  it('never lets --reset-db replace a database that is still there', async () => {
    await (await open()).close();
    const error = await allowEmptyDatabase(path.join(temp.path, '.mlp')).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('FAILED_PRECONDITION');
    expect((error as Error).message).toContain('move it away first');
    const again = await open();
    await again.close();
  });
});

describe('a damaged embedded database', () => {
  it('fails to open with FAILED_PRECONDITION naming the damage, not an unexpected INTERNAL failure', async () => {
    const first = await open();
    const [row] = await first.db.query<{ file: string }>("select pg_relation_filepath('mlp_migrations') as file");
    await first.close();
    await rm(path.join(dataDir(), row?.file as string));

    const error = await openError();
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toMatch(/^The workspace database is damaged \(could not open file .*\)\. Run `mlp doctor`/);
  });
});
