import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, writeModels } from '../server/test-support/model-files.js';
import { matMulModel } from '../server/test-support/test-models.js';

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
let models: Awaited<ReturnType<typeof writeModels>>;

beforeAll(async () => {
  models = await writeModels({ dense: matMulModel() });
});
afterAll(async () => {
  await models?.remove();
});

/** `mlp serve ... --json` as a real process; resolves with its ready line. */
function serve(args: string[]): { child: ChildProcess; ready: Promise<Record<string, unknown>>; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', models.dir, 'serve', ...args, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output += `${line}\n`;
      if (line.startsWith('{"url"')) resolve(JSON.parse(line));
    });
    void exited.then((code) => reject(new Error(`mlp serve exited with ${code}: ${output}`)));
  });
  return { child, ready, exited };
}

describe('mlp serve', () => {
  it('prints one JSON line with the URL and port when ready, serves OIP, and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
    const server = serve([`dense=${models.files.dense}`, '--port', '0', '--max-batch-size', '16']);
    try {
      const ready = await server.ready;
      expect(ready).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), port: expect.any(Number) });
      expect(ready.models).toEqual([{ name: 'dense', version: '1', state: 'READY', reason: null, batching: true }]);
      const answer = await postJson(`${ready.url}/v2/models/dense/infer`, {
        inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      });
      expect(answer).toMatchObject({ status: 200, body: { model_name: 'dense' } });
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('fails with a clear message for a bad flag', { timeout: 120_000 }, async () => {
    const server = serve([models.files.dense as string, '--max-batch-size', 'lots']);
    await expect(server.ready).rejects.toThrow(/--max-batch-size must be a whole number/);
    expect(await server.exited).not.toBe(0);
  });
});
