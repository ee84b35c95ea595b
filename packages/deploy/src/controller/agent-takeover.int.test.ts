import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { runCliCaptured } from '@mlp/cli';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import type { Registry } from '@mlp/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployCommands } from '../cli/deploy-commands.js';
import { getDeployment } from '../deployment/deployment-store.js';
import { cliBin, denseModel, openTestRegistry, registerModel, serveEnv, until } from './test-support/deploy-fixture.js';

let test: TestWorkspace;
let registry: Registry;
const agents: ChildProcess[] = [];

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-deploy-takeover-');
  registry = await openTestRegistry(test.workspace);
  const version = await registerModel(registry, test.workspace.config.dir, 'flights', denseModel(1));
  await registry.setAlias('flights', 'champion', version);
}, 120_000);

afterAll(async () => {
  for (const agent of agents) if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
  await registry?.close();
  await test?.cleanup();
});

/** A real `mlp deploy agent` process (from the sources); with `exitWithParent`, its stdin is a pipe this test holds. */
function spawnAgent(exitWithParent = false) {
  const { dir } = test.workspace.config;
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
      'deploy',
      'agent',
      '--poll-interval',
      '200ms',
      ...(exitWithParent ? ['--exit-with-parent'] : []),
    ],
    { env: serveEnv(test.workspace), stdio: [exitWithParent ? 'pipe' : 'ignore', 'pipe', 'inherit'] },
  );
  agents.push(child);
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout })));
  return { child, pid: child.pid as number, exited };
}

/** The `mlp serve` processes whose parent is `pid` (read from /proc: they are not this process's children). */
async function serversOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (argv.includes('serve')) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Whether a process still runs (a zombie waiting for its reaper has ended). */
async function running(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function infer(url: string): Promise<number> {
  try {
    const response = await fetch(new URL('/v2/models/flights/infer', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

describe('two deploy agents on one workspace', () => {
  it('exactly one drives the deployment; SIGKILLed, its servers exit and the other takes over', async () => {
    const { dir, database } = test.workspace.config;
    const created = await runCliCaptured(['-C', dir, 'deploy', 'create', 'flights', '--model', 'models:/flights@champion'], {
      modules: [deployCommands],
      cwd: dir,
      env: { ...serveEnv(test.workspace), MLP_DATABASE_URL: database.url },
    });
    expect(created.code).toBe(0);

    const first = spawnAgent();
    const second = spawnAgent();
    const ready = await until(
      async () => {
        const deployment = await getDeployment(test.workspace, 'flights');
        return deployment.endpoint && deployment.status === 'healthy' ? infer(deployment.endpoint) : 0;
      },
      (status) => status === 200,
    );
    expect(ready).toBe(200);
    // Both agents keep reconciling; only the lease holder has model servers.
    const [a, b] = await until(
      async () => [await serversOf(first.pid), await serversOf(second.pid)],
      ([x, y]) => (x?.length ?? 0) + (y?.length ?? 0) > 0,
    );
    const [owner, standby, servers] = (a?.length ?? 0) > 0 ? [first, second, a ?? []] : [second, first, b ?? []];
    expect(servers).toHaveLength(1);
    expect(await serversOf(standby.pid)).toEqual([]);
    const before = (await getDeployment(test.workspace, 'flights')).endpoint;

    owner.child.kill('SIGKILL');
    await owner.exited;
    // Its servers see their stdin pipe close, drain and exit.
    await until(
      async () => (await Promise.all(servers.map(running))).some(Boolean),
      (alive) => !alive,
    );
    // The standby takes the lease and serves the deployment with servers of its own.
    const after = await until(
      async () => {
        const deployment = await getDeployment(test.workspace, 'flights');
        const mine = await serversOf(standby.pid);
        const status = deployment.endpoint && mine.length > 0 ? await infer(deployment.endpoint) : 0;
        return { status, mine, endpoint: deployment.endpoint };
      },
      (state) => state.status === 200,
    );
    expect(after.mine).toHaveLength(1);
    expect(after.mine.some((pid) => servers.includes(pid))).toBe(false);
    expect(before).toBeTruthy();

    standby.child.kill('SIGTERM');
    const stopped = await standby.exited;
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout).deployments.map((d: { name: string }) => d.name)).toEqual(['flights']);
  }, 300_000);

  it('with --exit-with-parent, stops with its servers when its stdin closes (its supervisor went)', async () => {
    const agent = spawnAgent(true);
    // The deployment of the first test: this agent takes it over once the lease is free.
    const servers = await until(
      () => serversOf(agent.pid),
      (found) => found.length > 0,
    );
    agent.child.stdin?.end();
    const stopped = await agent.exited;
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout).deployments.map((d: { name: string }) => d.name)).toEqual(['flights']);
    await until(
      async () => (await Promise.all(servers.map(running))).some(Boolean),
      (alive) => !alive,
    );
  }, 300_000);
});
