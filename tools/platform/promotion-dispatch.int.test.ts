// examples/github-actions/promotion-dispatch.mjs as a real process on a real PostgreSQL workspace,
// sending to a loopback stand-in of GitHub's REST API (no request leaves the machine): a move of
// `champion` becomes one repository_dispatch, other aliases none, and a failed send is retried.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const script = path.resolve(import.meta.dirname, '..', '..', 'examples', 'github-actions', 'promotion-dispatch.mjs');

interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let database: TestDatabase;
let dir: TempDir;
let workspace: Workspace;
let github: Server;
let child: ChildProcess;
let output = '';
const received: Received[] = [];
/** The stand-in's answers, in order; 204 (what GitHub answers) once they run out. */
const answers = [502];

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await createTempDir('mlp-dispatch-');
  workspace = await openWorkspace({ dir: dir.path, database: { url: database.url }, logLevel: 'warn' });
  github = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(text || 'null') });
      const status = answers.shift() ?? 204;
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? undefined : '{"message":"Server Error"}');
    });
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  const { PATH, HOME } = process.env;
  child = spawn(process.execPath, [script], {
    cwd: dir.path,
    env: {
      PATH,
      HOME,
      MLP_WORKSPACE: dir.path,
      MLP_DATABASE_URL: database.url,
      MLP_LOG_LEVEL: 'warn',
      GITHUB_API_URL: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
      GITHUB_REPOSITORY: 'acme/flights',
      GITHUB_TOKEN: 'test-token',
      MLP_DISPATCH_RETRY_MS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await new Promise<void>((resolve) => github?.close(() => resolve()));
  await workspace?.close();
  await database?.drop();
  await dir?.remove();
});

it('sends each move of champion as one repository_dispatch, retried until GitHub accepts it; other aliases are not sent', async () => {
  // Subscribed once its cursor is stored: events published from then on are its to send.
  await expect
    .poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`promotion-dispatch exited (${child.exitCode}): ${output}`);
        const rows = await workspace.db.query('select 1 from mlp_event_consumers where consumer = $1', ['github.dispatch.acme/flights']);
        return rows.length;
      },
      { timeout: 60_000, interval: 100 },
    )
    .toBe(1);

  // The payload the registry publishes when an alias moves (registry's alias-operations and promote).
  await workspace.events.publish('model_version.alias_set', { name: 'flights-delay', version: 2, alias: 'staging', previousVersion: null });
  await workspace.events.publish('model_version.alias_set', { name: 'flights-delay', version: 3, alias: 'champion', previousVersion: 2 });
  await expect.poll(() => received.length, { timeout: 60_000, interval: 50 }).toBe(2);
  for (const request of received) {
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/repos/acme/flights/dispatches');
    expect(request.headers.authorization).toBe('Bearer test-token');
    expect(request.headers.accept).toBe('application/vnd.github+json');
    expect(request.body).toEqual({
      event_type: 'mlp-model-promoted',
      client_payload: { model: 'flights-delay', version: '3', alias: 'champion', previous_version: '2', event_id: expect.any(String) },
    });
  }
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/dispatched mlp-model-promoted: flights-delay version 3/);
  expect(output).toMatch(/GitHub answered 502/);

  child.kill('SIGTERM');
  const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  expect(code).toBe(0);
  expect(received).toHaveLength(2); // nothing sent twice once accepted
}, 240_000); // a process start and a workspace open on a loaded machine: minutes at worst, not the int default of 60 s
