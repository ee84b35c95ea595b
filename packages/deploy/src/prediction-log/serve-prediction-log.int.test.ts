import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type CliCommandModule, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import type { PredictionLogEntry } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictionLogCommands } from '../cli/predictions-command.js';
import { flights, trainFlightsPackage } from '../records/test-support/flights-package.js';
import { createPredictionLogReader } from './prediction-log-reader.js';

// A real `mlp serve --log-predictions` process on a workspace (PostgreSQL, blob folder): requests
// answered, then SIGTERM before the log's flush interval is up; what it buffered is in the log after
// it exits 0, read back through the contract.

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
let fx: TestWorkspace;
let packageDir: string;

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-serve-log-');
  packageDir = path.join(fx.workspace.config.dir, 'flights-package');
  await trainFlightsPackage(packageDir);
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
});

describe('mlp serve --log-predictions', () => {
  it('writes what it buffered when stopped with SIGTERM', async () => {
    const from = Date.now();
    const child = spawn(
      process.execPath,
      [
        '--conditions=@mlp/source',
        '--import',
        'tsx',
        cliBin,
        '-C',
        fx.workspace.config.dir,
        'serve',
        `flights=${packageDir}`,
        '--port',
        '0',
        '--json',
        '--log-predictions',
        '--deployment',
        'flights-prod',
      ],
      {
        env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`mlp serve exited before it was ready:\n${stderr}`);
    const { url } = JSON.parse(first.value) as { url: string };

    const requestIds: string[] = [];
    const sent = [flights(2, 21), flights(3, 22), flights(1, 23)];
    for (const records of sent) {
      const answer = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: records }),
      });
      expect(answer.status).toBe(200);
      requestIds.push(answer.headers.get('x-request-id') as string);
    }
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);

    const read: PredictionLogEntry[] = [];
    const reader = createPredictionLogReader({ blobs: fx.workspace.blobs });
    for await (const entry of reader.read({ model: 'flights', from, to: Date.now() + 1 })) read.push(entry);
    expect(read.map((entry) => entry.requestId).sort()).toEqual([...requestIds].sort());
    for (const entry of read) {
      expect(entry).toMatchObject({ model: 'flights', deployment: 'flights-prod', kind: 'records' });
      const index = requestIds.indexOf(entry.requestId);
      expect(entry.inputs).toEqual(sent[index]);
      expect(entry.outputs).toHaveLength(sent[index]?.length ?? -1);
    }

    // `mlp predictions` prints the latest of them; another module reads them through the service.
    const env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url };
    const mlp = (args: string[], modules: CliCommandModule[]) =>
      runCliCaptured(['-C', fx.workspace.config.dir, ...args], { modules, cwd: fx.workspace.config.dir, env });
    const printed = await mlp(['predictions', 'flights', '--limit', '2', '--json'], [predictionLogCommands]);
    expect(printed.code, printed.stderr).toBe(0);
    const json = parseJsonOutput<{ total: number; entries: { request_id: string; model_version: string; deployment: string }[] }>(printed);
    expect(json.total).toBe(3);
    expect(json.entries.map((entry) => entry.request_id)).toEqual(requestIds.slice(1));
    expect(json.entries[0]).toMatchObject({ model_version: '1', deployment: 'flights-prod' });
    const human = await mlp(['predictions', 'flights', '--since', '10m'], [predictionLogCommands]);
    expect(human.stdout).toMatch(/^3 predictions of 'flights' in the last 10m:\n.*v1 .* ms /);
    const bad = await mlp(['predictions', 'flights', '--since', 'soon'], [predictionLogCommands]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--since must be a duration/);
    let served = 0;
    const consumer: CliCommandModule = {
      name: 'consumer',
      register(program, context) {
        program.command('count-served').action(async () => {
          const reader = await context.service('predictionLog');
          for await (const _ of reader?.read({ model: 'flights', from, to: Date.now() + 1 }) ?? []) served += 1;
          context.output(String(served), { served });
        });
      },
    };
    const counted = await mlp(['count-served'], [predictionLogCommands, consumer]);
    expect(counted.code, counted.stderr).toBe(0);
    expect(served).toBe(3);
  }, 120_000);
});
