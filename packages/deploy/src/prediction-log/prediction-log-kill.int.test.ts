import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PredictionLogEntry } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSpan } from './prediction-log-keys.js';
import { createPredictionLogReader } from './prediction-log-reader.js';

// A real process writing the prediction log into a workspace's blob folder, killed with SIGKILL
// while a batch is being written: every batch left behind reads whole through the contract.

const writerProcess = fileURLToPath(new URL('./test-support/prediction-log-writer-process.ts', import.meta.url));
let fx: TestWorkspace;

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-prediction-log-kill-');
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('a prediction log killed mid-write', () => {
  it('leaves whole batches only', async () => {
    const root = fx.workspace.blobs.location;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
    const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', writerProcess, root], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const batchDir = path.join(root, 'prediction-log');
    const count = async (dir: string, pattern: RegExp): Promise<number> =>
      (await readdir(dir, { recursive: true }).catch(() => [] as string[])).filter((name) => pattern.test(String(name))).length;
    // Kill once a few batches are whole and another is half-written (its temporary file exists).
    // Polled without a deadline of its own: the test timeout bounds it on a loaded machine.
    const alive = () => {
      if (child.exitCode !== null) throw new Error(`the writer process exited early:\n${stderr}`);
    };
    while ((await count(batchDir, /\.jsonl$/)) < 3) {
      alive();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    while ((await count(path.join(root, '.tmp'), /\.tmp$/)) === 0) alive();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const keys: string[] = [];
    for await (const info of fx.workspace.blobs.list('prediction-log/')) keys.push(info.key);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(keys.every((key) => batchSpan(key) !== undefined)).toBe(true);

    // The reader parses every line of every batch (a torn line would throw), and each batch is full.
    const entries: PredictionLogEntry[] = [];
    for await (const entry of createPredictionLogReader({ blobs: fx.workspace.blobs }).read({
      model: 'flights',
      from: 0,
      to: Date.now() + 1,
    }))
      entries.push(entry);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) expect(Buffer.from(await fx.workspace.blobs.getBytes(key)).toString('utf8')).toMatch(/\}\n$/);
    const sequences = entries.map((entry) => Number(entry.requestId.slice(1))).sort((a, b) => a - b);
    expect(new Set(sequences).size).toBe(sequences.length);
    for (const entry of entries) expect(entry).toMatchObject({ model: 'flights', kind: 'records', inputs: [{ distance: 1 }] });
  }, 120_000);
});
