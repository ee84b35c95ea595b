import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { withoutMlpVariables } from '@mlp/cli';
import type { PredictionLogEntry } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionLogReader } from '../prediction-log/prediction-log-reader.js';
import { postJson } from '../server/test-support/model-files.js';
import { matMulModel } from '../server/test-support/test-models.js';

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
let fx: TestWorkspace;
let modelFile: string;

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-serve-log-');
  modelFile = path.join(fx.workspace.config.dir, 'dense.onnx');
  await writeFile(modelFile, matMulModel());
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('mlp serve --log-predictions', () => {
  it('logs every answered request to the workspace and writes the buffer on SIGTERM', { timeout: 120_000 }, async () => {
    const dir = fx.workspace.config.dir;
    const child = spawn(
      process.execPath,
      [
        '--conditions=@mlp/source',
        '--import',
        'tsx',
        cliBin,
        '-C',
        dir,
        '--json',
        'serve',
        modelFile,
        '--port',
        '0',
        '--log-predictions',
        '--deployment',
        'web',
      ],
      {
        env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.startsWith('{"url"')) resolve(JSON.parse(line).url);
        });
        void exited.then((code) => reject(new Error(`mlp serve exited with ${code}`)));
      });
      const from = Date.now();
      for (let i = 0; i < 3; i++) {
        const answer = await postJson(`${url}/v2/models/dense/infer`, {
          id: `q${i}`,
          inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [i, 1, 2, 3] }],
        });
        expect(answer.status).toBe(200);
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const entries: PredictionLogEntry[] = [];
      for await (const entry of createPredictionLogReader({ blobs: fx.workspace.blobs }).read({ model: 'dense', from, to: Date.now() + 1 }))
        entries.push(entry);
      expect(entries.map((entry) => entry.requestId).sort()).toEqual(['q0', 'q1', 'q2']);
      expect(entries[0]).toMatchObject({ model: 'dense', modelVersion: '1', deployment: 'web', kind: 'tensors' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
