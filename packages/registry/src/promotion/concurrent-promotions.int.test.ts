import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';

const worker = fileURLToPath(new URL('../test-support/promote-worker.ts', import.meta.url));
// 5 processes × 10 = 50 concurrent promotions. Each process's pool holds at most 10 connections, so
// this stays inside PostgreSQL's default max_connections (100) on a server other tests share.
const processes = 5;
const perProcess = 10;

interface Outcome {
  version: number;
  outcome: 'promoted' | 'forced' | 'error';
  code?: string;
  message?: string;
}

function startWorker(args: string[]): { child: ChildProcess; ready: Promise<void>; done: Promise<Outcome[]> } {
  const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', worker, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const outcomes: Outcome[] = [];
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line === 'ready') signalReady();
    else if (line.startsWith('{')) outcomes.push(JSON.parse(line) as Outcome);
  });
  const done = new Promise<Outcome[]>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(outcomes) : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
  // A worker that dies before `ready` must fail the test, not hang it.
  return { child, ready: Promise.race([ready, done.then(() => {})]), done };
}

describe.each<Backend>(['embedded', 'postgres'])('50 concurrent promotions from separate processes on the %s store', (backend) => {
  let fx: RegistryFixture;
  const total = processes * perProcess;

  beforeAll(async () => {
    fx = await openRegistryFixture(backend);
    // Every fifth version fails the metric gate, so gates and races are both exercised.
    for (let index = 1; index <= total; index++) {
      const runId = await fx.trainedRun({ metrics: { auc: index % 5 === 0 ? 0.4 : 0.8 }, files: { 'model.bin': `v${index}` } });
      await fx.registry.registerVersion({ name: 'raced', source: runId });
    }
    await fx.registry.setGates('raced', ['metrics.auc >= 0.5']);
  }, 240_000);
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('the alias ends on one READY version, every decision is audited, and failures are gates or CONFLICT', async () => {
    const databaseUrl = backend === 'postgres' ? fx.workspace.config.database.url : '-';
    const workers = Array.from({ length: processes }, (_, index) => {
      const versions = Array.from({ length: perProcess }, (_, offset) => index * perProcess + offset + 1);
      return startWorker([fx.dir, databaseUrl, 'raced', 'champion', versions.join(',')]);
    });
    await Promise.all(workers.map((started) => started.ready));
    for (const started of workers) started.child.stdin?.write('go\n');
    const outcomes = (await Promise.all(workers.map((started) => started.done))).flat();

    expect(outcomes).toHaveLength(total);
    const unexpected = outcomes.filter(
      (item) => item.outcome === 'error' && item.code !== 'CONFLICT' && item.code !== 'FAILED_PRECONDITION',
    );
    expect(unexpected).toEqual([]);
    const gated = outcomes.filter((item) => item.code === 'FAILED_PRECONDITION');
    expect(gated.every((item) => item.version % 5 === 0 && item.message?.includes('blocked by 1 gate'))).toBe(true);
    expect(gated).toHaveLength(total / 5);
    const promoted = outcomes.filter((item) => item.outcome === 'promoted');
    expect(promoted.length).toBeGreaterThan(0);
    // All 40 passing promotions start together: most must lose the race, or the test raced nothing.
    expect(outcomes.filter((item) => item.code === 'CONFLICT').length).toBeGreaterThan(0);

    const model = await fx.registry.getModel('raced');
    const holder = await fx.registry.resolve('models:/raced@champion');
    expect(holder.status).toBe('READY');
    expect(model.aliases).toEqual({ champion: holder.version });

    const audit = (await fx.registry.history('raced')).filter((entry) => entry.action.startsWith('promotion.'));
    expect(audit).toHaveLength(total);
    const count = (action: string) => audit.filter((entry) => entry.action === action).length;
    expect(count('promotion.promoted')).toBe(promoted.length);
    expect(count('promotion.blocked')).toBe(gated.length);
    expect(count('promotion.conflict')).toBe(outcomes.filter((item) => item.code === 'CONFLICT').length);
    // The holder is the last promotion to commit; each promoted version appears in the log once.
    expect(audit.filter((entry) => entry.action === 'promotion.promoted').at(-1)?.version).toBe(holder.version);
    expect(new Set(audit.map((entry) => entry.version)).size).toBe(total);
    expect(audit.every((entry) => entry.actor.startsWith('worker-'))).toBe(true);
  }, 240_000);
});
