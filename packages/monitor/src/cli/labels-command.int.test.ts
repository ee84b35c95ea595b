import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonConventionViolations, parseJsonOutput, workspaceCli } from '@mlp/cli';
import { openWorkspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabelStore } from '../quality/label-store.js';
import type { labelsJson } from './json-shapes.js';
import { monitorCommands } from './monitor-commands.js';

// Labels stored by the real CLI into a real PostgreSQL, read back through the store.

let temp: TempDir;
let database: TestDatabase;

beforeAll(async () => {
  temp = await createTempDir('mlp-monitor-labels-cli-');
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await temp?.remove();
});

const mlp = (...args: string[]) => workspaceCli({ dir: temp.path, databaseUrl: database.url, modules: [monitorCommands] })(...args);

describe('mlp monitor labels', () => {
  it('stores a file of labels by request id (snake_case JSON), a second file replacing labels given again', async () => {
    await writeFile(path.join(temp.path, 'labels.csv'), 'request_id,label\nr1,1\nr2,0\nr3,\n');
    const file = path.join(temp.path, 'labels.csv');
    const run = await mlp('--json', 'monitor', 'labels', file, '--deployment', 'delays');
    expect(run.code, run.stderr).toBe(0);
    const json = parseJsonOutput<ReturnType<typeof labelsJson>>(run);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json).toEqual({ deployment: 'delays', file, written: 2, skipped: 1, total_labels: 2 });

    await writeFile(path.join(temp.path, 'more.jsonl'), '{"id": "r2", "truth": 1}\n{"id": "r4", "truth": 0}\n');
    const more = await mlp(
      'monitor',
      'labels',
      path.join(temp.path, 'more.jsonl'),
      '--deployment',
      'delays',
      '--request-id-column',
      'id',
      '--label-column',
      'truth',
    );
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toContain('Stored 2 labels for delays; 3 in all.');

    const workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn', database: { url: database.url } });
    try {
      const store = await openLabelStore(workspace);
      expect(await store.get('delays', ['r1', 'r2', 'r3', 'r4'])).toEqual(
        new Map([
          ['r1', 1],
          ['r2', 1],
          ['r4', 0],
        ]),
      );
    } finally {
      await workspace.close();
    }
  });

  it('fails with a message that says what to do: no --deployment, a missing column', async () => {
    const file = path.join(temp.path, 'labels.csv');
    const none = await mlp('monitor', 'labels', file);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('needs --deployment NAME');
    const wrong = await mlp('monitor', 'labels', file, '--deployment', 'delays', '--label-column', 'truth');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('has no column "truth"');
  });
});
