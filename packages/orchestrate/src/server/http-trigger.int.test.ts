import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../load/load-pipeline.js';
import { ensureOrchestrateTables } from '../run/start-run.js';
import { recordPipeline } from '../store/run-store.js';
import { spawnMlpServer } from './test-support/mlp-process.js';

const supportDir = path.resolve(import.meta.dirname, 'test-support');
const writeToken = 'pipelines-write-0123456789';
const readToken = 'pipelines-read-0123456789';

let test: TestWorkspace;
let server: Awaited<ReturnType<typeof spawnMlpServer>>;

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-http-');
  await ensureOrchestrateTables(test.workspace);
  const { dir } = test.workspace.config;
  // One pipeline recorded by a run before, the other only named in mlp.config.json: the server records it at start.
  const { pipeline, ref } = await loadPipeline(path.join(supportDir, 'no-http-pipeline.ts'), dir);
  await recordPipeline(test.workspace, pipeline, ref);
  await writeFile(
    path.join(dir, 'mlp.config.json'),
    JSON.stringify({ pipelines: [path.relative(dir, path.join(supportDir, 'http-pipeline.ts'))] }),
  );
  const tokens = path.join(dir, 'tokens');
  await writeFile(tokens, `${writeToken} read,write\n${readToken} read\n`, { mode: 0o600 });
  server = await spawnMlpServer(dir, test.workspace.config.database.url, ['--token-file', tokens]);
}, 120_000);

afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await test?.cleanup();
});

async function call(method: 'GET' | 'POST', route: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${server.url}/api/2.0/mlp/pipelines/${route}`, {
    method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { created?: boolean; run?: RunBody; message?: string } };
}

interface RunBody {
  run_id: string;
  status: string;
  params: unknown;
  trigger: string;
  trigger_key: string | null;
  tasks: Array<{ name: string; status: string; error: string | null }>;
}

describe('HTTP triggers on a real `mlp server`', () => {
  it('starts a run with a write token, exactly once per trigger_key, and reports it until it ends', async () => {
    const first = await call('POST', 'on-http/runs', writeToken, { params: { day: '2026-12-01' }, trigger_key: 'ticket-1' });
    expect(first.status).toBe(200);
    expect(first.body.created).toBe(true);
    const run = first.body.run!;
    expect(run).toMatchObject({ params: { day: '2026-12-01' }, trigger: 'http', trigger_key: 'http:ticket-1' });

    // The client retries (a timeout on its side): the same run, none started.
    const again = await call('POST', 'on-http/runs', writeToken, { params: { day: '2026-12-01' }, trigger_key: 'ticket-1' });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(again.body.run!.run_id).toBe(run.run_id);
    // The same key with other params is a mistake, not a retry.
    const other = await call('POST', 'on-http/runs', writeToken, { params: { day: '2026-12-02' }, trigger_key: 'ticket-1' });
    expect(other.status).toBe(409);
    expect(other.body.message).toContain('ticket-1');

    // Five clients at once with one key: one run between them.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => call('POST', 'on-http/runs', writeToken, { params: { day: '2026-12-03' }, trigger_key: 'ticket-2' })),
    );
    expect(racing.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(racing.map((response) => response.body.run!.run_id)).size).toBe(1);
    expect(racing.filter((response) => response.body.created === true)).toHaveLength(1);

    let status: RunBody | undefined;
    for (let i = 0; i < 600; i++) {
      const polled = await call('GET', `on-http/runs/${run.run_id}`, readToken);
      expect(polled.status).toBe(200);
      status = polled.body.run;
      if (status?.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toMatchObject({ run_id: run.run_id, status: 'succeeded', tasks: [{ name: 'report', status: 'succeeded' }] });
    const rows = await test.workspace.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM orchestrate_runs WHERE pipeline_name = 'on-http' AND trigger_key IN ('http:ticket-1', 'http:ticket-2')`,
    );
    expect(Number(rows[0]!.n)).toBe(2);
  }, 120_000);

  it("reports a failed run's errors without the server's folders", async () => {
    const started = await call('POST', 'on-http/runs', writeToken, { params: { day: '1999-01-01' } });
    expect(started.status).toBe(200);
    let run = started.body.run!;
    while (run.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = (await call('GET', `on-http/runs/${run.run_id}`, readToken)).body.run!;
    }
    expect(run.status).toBe('failed');
    const error = run.tasks[0]?.error;
    expect(error).toBe('no data at <workspace>/data/1999.csv');
    expect(JSON.stringify(run)).not.toContain(test.workspace.config.dir);
  }, 60_000);

  it('refuses what it must, each with its status and a message that says what to do', async () => {
    const body = { params: { day: '2026-12-01' } };
    expect((await call('POST', 'on-http/runs', undefined, body)).status).toBe(401);
    const read = await call('POST', 'on-http/runs', readToken, body);
    expect(read.status).toBe(403);

    const bad = await call('POST', 'on-http/runs', writeToken, { params: { day: 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/params of pipeline 'on-http' are not valid: day: /);
    const missing = await call('POST', 'on-http/runs', writeToken, { params: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('day');
    const unknownField = await call('POST', 'on-http/runs', writeToken, { ...body, priority: 1 });
    expect(unknownField.status).toBe(400);

    const notHttp = await call('POST', 'not-on-http/runs', writeToken, {});
    expect(notHttp.status).toBe(400);
    expect(notHttp.body.message).toContain("{ on: 'http' }");
    expect((await call('POST', 'no-such-pipeline/runs', writeToken, body)).status).toBe(404);
    expect((await call('GET', 'on-http/runs/no-such-run', readToken)).status).toBe(404);

    const huge = await call('POST', 'on-http/runs', writeToken, JSON.stringify({ params: { day: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    const runs = await test.workspace.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM orchestrate_runs WHERE pipeline_name <> 'on-http'`,
    );
    expect(Number(runs[0]!.n)).toBe(0);
  }, 60_000);
});
