import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace } from '../src/index.js';
import { createTempDir, type TempDir } from '../src/testing/temp-dir.js';
import { exitOf, spawnFixture, waitUntil } from './fixtures/run-fixture.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir('mlp-two-processes-');
});
afterEach(async () => {
  await dir.remove();
});

const serverRunning = () => existsSync(path.join(dir.path, '.mlp', 'db', 'postmaster.pid'));

describe('one embedded workspace, several processes', () => {
  it('lets two processes write at once while a third reads, losing nothing, then stops the server', async () => {
    const reader = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
    await reader.db.query('create table two_process_rows (writer text not null, n int not null, primary key (writer, n))');
    const writers = [spawnFixture('workspace-writer', [dir.path, 'a', '300']), spawnFixture('workspace-writer', [dir.path, 'b', '300'])];
    const counts: number[] = [];
    const exits = Promise.all(writers.map(exitOf));
    let done = false;
    void exits.then(() => {
      done = true;
    });
    while (!done) {
      const [row] = await reader.db.query<{ n: number }>('select count(*)::int as n from two_process_rows');
      counts.push(row?.n ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await exits, writers.map((writer) => writer.errors()).join('\n')).toEqual([0, 0]);
    expect(writers.map((writer) => writer.errors()).join('')).toBe('');
    const perWriter = await reader.db.query<{ writer: string; n: number }>(
      'select writer, count(*)::int as n from two_process_rows group by writer order by writer',
    );
    expect(perWriter).toEqual([
      { writer: 'a', n: 300 },
      { writer: 'b', n: 300 },
    ]);
    const [events] = await reader.db.query<{ n: number }>("select count(*)::int as n from mlp_events where type = 'test.row_written'");
    expect(events?.n).toBe(600);
    // The reader saw the table grow while the writers ran, never shrink.
    expect(counts.some((count) => count > 0 && count < 600)).toBe(true);
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    expect(serverRunning()).toBe(true);
    await reader.close();
    expect(serverRunning()).toBe(false);
  });

  it('keeps the server up for the process still open when the first one closes', async () => {
    const first = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
    await first.db.query('create table two_process_rows (writer text not null, n int not null, primary key (writer, n))');
    const slow = spawnFixture('workspace-writer', [dir.path, 'slow', '40', '25']);
    await waitUntil(() => slow.output().includes('"opened"'));
    await first.close();
    expect(await exitOf(slow), slow.errors()).toBe(0);
    expect(slow.errors()).toBe('');
    const again = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
    const [row] = await again.db.query<{ n: number }>("select count(*)::int as n from two_process_rows where writer = 'slow'");
    expect(row?.n).toBe(40);
    await again.close();
    expect(serverRunning()).toBe(false);
  });

  it('resumes a consumer killed mid-stream from its cursor without losing an event', async () => {
    const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
    const outFile = path.join(dir.path, 'consumed.txt');
    writeFileSync(outFile, '');
    const consumed = () => readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map(Number);

    const first = spawnFixture('event-consumer', [dir.path, 'killable', outFile, '15']);
    await waitUntil(() => first.output().includes('subscribed'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it take its cursor
    for (let n = 0; n < 100; n++) await workspace.events.publish('test.numbered', { n });
    await waitUntil(() => consumed().length >= 20);
    first.kill('SIGKILL');
    await exitOf(first);
    const beforeKill = consumed().length;
    expect(beforeKill).toBeLessThan(100);

    const second = spawnFixture('event-consumer', [dir.path, 'killable', outFile, '0']);
    await waitUntil(() => new Set(consumed()).size === 100);
    second.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);
    const all = consumed();
    expect(new Set(all)).toEqual(new Set(Array.from({ length: 100 }, (_, n) => n)));
    // At least once: only the event in flight at the kill may come twice.
    expect(all.length - 100).toBeLessThanOrEqual(1);
    await workspace.close();
  });
});
