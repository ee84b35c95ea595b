import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpError, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatasetCatalog, openDatasetCatalog } from '../catalog/dataset-catalog.js';
import { openDataRepo } from '../dvc/data-repo.js';

// `mlp data ingest` in a real process, killed with SIGKILL mid-download: the target must not exist, no
// version may be registered, and a rerun must complete.
const ingestProcess = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-support', 'ingest-cli-process.ts');
const rows = Array.from({ length: 20_000 }, (_, i) => `${i},station-${i % 97},${(i % 311) / 10}`).join('\n');
const csv = `id,station,value\n${rows}\n`;

let temp: TempDir;
let workspace: Workspace;
let catalog: DatasetCatalog;
let server: Server;
let baseUrl: string;
let stalledRequest: (() => void) | undefined;

beforeAll(async () => {
  temp = await createTempDir('mlp-ingest-kill-');
  // Opened first, so the embedded server outlives the child this test kills.
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
  catalog = await openDatasetCatalog(workspace, { repo: await openDataRepo({ root: temp.path }) });
  server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(Buffer.byteLength(csv)) });
    if (request.url === '/stall.csv') {
      // Half the body, then nothing: the client is mid-download until killed.
      response.write(csv.slice(0, csv.length / 2));
      stalledRequest?.();
    } else {
      response.end(csv);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await workspace.close();
  await temp.remove();
});

describe('an ingestion killed mid-download', () => {
  it('leaves no file at the target and no version, and a rerun completes', async () => {
    const downloading = new Promise<void>((resolve) => {
      stalledRequest = resolve;
    });
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
    const child = spawn(
      process.execPath,
      ['--conditions=@mlp/source', '--import', 'tsx', ingestProcess, temp.path, `${baseUrl}/stall.csv`, 'data/readings.parquet'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await Promise.race([downloading, exited.then(() => Promise.reject(new Error(`the ingest process exited early:\n${stderr}`)))]);
    // Kill once the child's temporary download file exists: it is then truly mid-download.
    const dataDir = path.join(temp.path, 'data');
    const partial = async () => (await readdir(dataDir).catch(() => [] as string[])).filter((name) => name.includes('.download.tmp'));
    // Polled without a deadline of its own: on a loaded machine the write may take long; the test timeout bounds it.
    while ((await partial()).length === 0) {
      if (child.exitCode !== null) throw new Error(`the ingest process exited early:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const target = path.join(temp.path, 'data', 'readings.parquet');
    await expect(stat(target)).rejects.toThrow();
    // Only the killed process's temporary file remains (swept by a later ingestion once an hour old).
    const leftovers = await readdir(dataDir);
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(/^\.readings\.parquet\.[0-9a-f]{8}\.download\.tmp\.csv$/);
    const missing = await catalog.getVersion('readings@latest').catch((error: unknown) => error);
    expect(MlpError.isInstance(missing) && missing.code).toBe('NOT_FOUND');

    const rerun = await catalog.ingest({ source: `${baseUrl}/full.csv`, to: 'data/readings.parquet' });
    expect(rerun.version).toMatchObject({ ref: 'readings@1', schema: { rowCount: 20_000 } });
  });
});
