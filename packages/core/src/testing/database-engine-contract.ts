import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { applyMigrations, type MigrationSet, pendingMigrations } from '../db/migrations.js';
import { MlpError } from '../errors/mlp-error.js';

export interface DatabaseEngineHarness {
  /** Opens a new Database on the same underlying database each time it is called. */
  open(): Promise<Database>;
  cleanup?(): Promise<void>;
}

/**
 * The behaviour every database engine must have for mlp's packages: queries and transactions,
 * concurrent connections, LISTEN/NOTIFY, advisory locks, and migrations applied once under concurrency.
 */
export function runDatabaseEngineContract(name: string, createHarness: () => Promise<DatabaseEngineHarness>): void {
  describe(`database engine contract: ${name}`, () => {
    let harness: DatabaseEngineHarness;
    let db: Database;
    let other: Database;

    beforeAll(async () => {
      harness = await createHarness();
      db = await harness.open();
      other = await harness.open();
      await db.query('create table contract_items (id serial primary key, name text not null unique)');
    });

    afterAll(async () => {
      await other?.close();
      await db?.close();
      await harness?.cleanup?.();
    });

    it('runs parameterised queries', async () => {
      const rows = await db.query<{ sum: number; text: string }>('select $1::int + $2::int as sum, $3::text as text', [2, 3, "it's"]);
      expect(rows).toEqual([{ sum: 5, text: "it's" }]);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await db.transaction(async (tx) => {
        await tx.execute("insert into contract_items (name) values ('committed')");
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.execute("insert into contract_items (name) values ('rolled-back')");
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const names = (await other.query<{ name: string }>('select name from contract_items order by name')).map((row) => row.name);
      expect(names).toContain('committed');
      expect(names).not.toContain('rolled-back');
    });

    it('serves concurrent writers from two pools without losing a row', async () => {
      const writes = Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? db : other).query('insert into contract_items (name) values ($1)', [`concurrent-${i}`]),
      );
      await Promise.all(writes);
      const [row] = await db.query<{ n: number }>("select count(*)::int as n from contract_items where name like 'concurrent-%'");
      expect(row?.n).toBe(40);
    });

    it('reports constraint violations with the server error code', async () => {
      await db.query("insert into contract_items (name) values ('unique-once')");
      await expect(other.query("insert into contract_items (name) values ('unique-once')")).rejects.toMatchObject({ code: '23505' });
    });

    it('delivers NOTIFY to a listening connection of another pool, on commit only', async () => {
      const listener = await other.connect();
      try {
        const received: string[] = [];
        listener.on('notification', (message) => received.push(message.payload ?? ''));
        await listener.query('listen contract_channel');
        await expect(
          db.transaction(async (tx) => {
            await tx.execute("select pg_notify('contract_channel', 'aborted')");
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        await db.query("select pg_notify('contract_channel', 'hello')");
        await waitFor(() => received.length > 0);
        expect(received).toEqual(['hello']);
      } finally {
        listener.release();
      }
    });

    it('makes advisory locks exclusive across pools', async () => {
      const holder = await db.connect();
      const contender = await other.connect();
      try {
        await holder.query('select pg_advisory_lock(4242)');
        const first = await contender.query<{ ok: boolean }>('select pg_try_advisory_lock(4242) as ok');
        expect(first.rows[0]?.ok).toBe(false);
        await holder.query('select pg_advisory_unlock(4242)');
        const second = await contender.query<{ ok: boolean }>('select pg_try_advisory_lock(4242) as ok');
        expect(second.rows[0]?.ok).toBe(true);
        await contender.query('select pg_advisory_unlock(4242)');
      } finally {
        holder.release();
        contender.release();
      }
    });

    it('applies a migration set once, even when two pools race', async () => {
      const set: MigrationSet = {
        package: 'contract-pkg',
        migrations: [
          { id: '0000_first', sql: 'create table contract_migrated (id int primary key);' },
          {
            id: '0001_second',
            sql: 'alter table contract_migrated add column note text;\ninsert into contract_migrated values (1, $$one$$);',
          },
        ],
      };
      const results = await Promise.all([applyMigrations(db, set), applyMigrations(other, set)]);
      expect(results.map((applied) => applied.length).sort()).toEqual([0, 2]);
      expect(await pendingMigrations(db, set)).toEqual([]);
      expect(await applyMigrations(db, set)).toEqual([]);
      const rows = await db.query('select id, note from contract_migrated');
      expect(rows).toEqual([{ id: 1, note: 'one' }]);
    });

    it('refuses a migration that changed after it was applied, and a database ahead of the code', async () => {
      const set: MigrationSet = { package: 'contract-drift', migrations: [{ id: '0000_a', sql: 'create table contract_drift (id int);' }] };
      await applyMigrations(db, set);
      const changed: MigrationSet = {
        package: set.package,
        migrations: [{ id: '0000_a', sql: 'create table contract_drift (id bigint);' }],
      };
      await expect(applyMigrations(db, changed)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
      const older: MigrationSet = { package: set.package, migrations: [] };
      const error = await applyMigrations(db, older).catch((caught: unknown) => caught);
      expect(MlpError.isInstance(error) && error.code).toBe('FAILED_PRECONDITION');
    });

    it('leaves the database at the last good migration when one fails', async () => {
      const set: MigrationSet = {
        package: 'contract-broken',
        migrations: [
          { id: '0000_ok', sql: 'create table contract_broken_ok (id int);' },
          { id: '0001_bad', sql: 'create table contract_broken_half (id int);\nselect * from no_such_table;' },
        ],
      };
      await expect(applyMigrations(db, set)).rejects.toMatchObject({ code: 'INTERNAL' });
      expect((await pendingMigrations(db, set)).map((migration) => migration.id)).toEqual(['0001_bad']);
      const [row] = await db.query<{ exists: boolean }>("select to_regclass('contract_broken_half') is not null as exists");
      expect(row?.exists).toBe(false);
    });

    it('closes idempotently and refuses queries afterwards', async () => {
      const extra = await harness.open();
      await extra.close();
      await extra.close();
      await expect(extra.query('select 1')).rejects.toThrow();
    });

    it('closes through Symbol.asyncDispose as through close()', async () => {
      const extra = await harness.open();
      await extra[Symbol.asyncDispose]();
      await expect(extra.query('select 1')).rejects.toThrow();
      await extra.close();
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
