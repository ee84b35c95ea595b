import { spawn } from 'node:child_process';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured } from '@mlp/cli';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import type { Registry } from '@mlp/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, denseModel, openTestRegistry, registerModel, serveEnv, until } from '../controller/test-support/deploy-fixture.js';
import { deploymentHistory, getDeployment } from '../deployment/deployment-store.js';
import { deployCommands } from './deploy-commands.js';

let test: TestWorkspace;
let registry: Registry;
const versions = { one: 0, two: 0 };

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-deploy-cli-');
  registry = await openTestRegistry(test.workspace);
  versions.one = await registerModel(registry, test.workspace.config.dir, 'flights', denseModel(1));
  versions.two = await registerModel(registry, test.workspace.config.dir, 'flights', denseModel(2));
  await registry.setAlias('flights', 'champion', versions.one);
}, 120_000);

afterAll(async () => {
  await registry?.close();
  await test?.cleanup();
});

function mlp(...args: string[]): Promise<CapturedRun> {
  const { dir, database } = test.workspace.config;
  return runCliCaptured(['-C', dir, ...args], {
    modules: [deployCommands],
    cwd: dir,
    env: { ...serveEnv(test.workspace), MLP_DATABASE_URL: database.url },
  });
}

/** A real `mlp deploy agent` process (from the sources), reporting as JSON when stopped. */
function spawnAgent() {
  const { dir } = test.workspace.config;
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir, '--json', 'deploy', 'agent', '--poll-interval', '200ms'],
    { env: serveEnv(test.workspace), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; report: { deployments: Array<{ name: string; url: string }> } }>((resolve) =>
    child.on('close', (code) => resolve({ code, report: JSON.parse(stdout || '{}') })),
  );
  return {
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const show = () => getDeployment(test.workspace, 'flights');

describe('mlp deploy', () => {
  it('refuses a deployment of an alias that does not exist, saying how to set it', async () => {
    const run = await mlp('deploy', 'create', 'ghost', '--model', 'models:/flights@nope');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/NOT_FOUND.*has no alias 'nope'.*mlp models alias set flights nope VERSION/s);
    const bad = await mlp('deploy', 'create', 'ghost', '--model', 'models:/flights@champion', '--analysis', 'p99_ms<<5');
    expect(bad.stderr).toMatch(/INVALID_ARGUMENT.*p99_ms<<5/);
  });

  it('renders a Kubernetes deployment as a List kubectl reads', async () => {
    const created = await mlp(
      ...['deploy', 'create', 'flights-k8s', '--model', 'models:/flights@champion', '--target', 'kubernetes'],
      ...['--strategy', 'canary', '--image', 'registry.example.com/mlp-serve:1', '--analysis', 'error_rate<0.01'],
    );
    expect(created.code).toBe(0);
    const list = parseJsonOutput<{ kind: string; items: Array<{ kind: string; metadata: { name: string } }> }>(
      await mlp('--json', 'deploy', 'render', 'flights-k8s'),
      // Kubernetes objects: their keys are Kubernetes' (apiVersion, metadata), not the CLI's convention.
      { convention: false },
    );
    expect(list.kind).toBe('List');
    expect(list.items.map((item) => item.kind)).toEqual(expect.arrayContaining(['Rollout', 'AnalysisTemplate', 'Service']));
    expect((await mlp('deploy', 'delete', 'flights-k8s')).code).toBe(0);
  });

  it('creates a deployment whose servers enrich requests from a feature view (--features), shown and passed to each server', async () => {
    const created = await mlp(
      ...['--json', 'deploy', 'create', 'flights-features', '--model', 'models:/flights@champion', '--target', 'kubernetes'],
      ...['--image', 'registry.example.com/mlp-serve:1', '--features', 'origin_delays', '--entity-key-field', 'origin=airport'],
      ...['--feature-names', 'delay_1h, delay_24h', '--missing-features', 'null'],
    );
    expect(created.code).toBe(0);
    const shown = parseJsonOutput<{ spec: Record<string, unknown> }>(created);
    expect(jsonConventionViolations(shown)).toEqual([]);
    expect(shown.spec.features).toEqual({
      view: 'origin_delays',
      entity_keys: { origin: 'airport' },
      feature_names: ['delay_1h', 'delay_24h'],
      on_missing: 'null',
    });
    // The servers of every revision get the same settings as `mlp serve` flags.
    type Item = { kind: string; spec?: { template?: { spec?: { containers?: Array<{ args?: string[] }> } } } };
    const list = parseJsonOutput<{ items: Item[] }>(await mlp('--json', 'deploy', 'render', 'flights-features'), { convention: false });
    const servers = list.items.flatMap((item) => item.spec?.template?.spec?.containers ?? []);
    expect(servers.length).toBeGreaterThan(0);
    for (const server of servers)
      expect((server.args ?? []).join(' ')).toContain(
        '--features origin_delays --entity-key-field origin=airport --feature-names delay_1h,delay_24h --missing-features null',
      );
    expect((await mlp('deploy', 'delete', 'flights-features')).code).toBe(0);

    const withoutView = await mlp('deploy', 'create', 'ghost', '--model', 'models:/flights@champion', '--entity-key-field', 'origin');
    expect(withoutView.code).not.toBe(0);
    expect(withoutView.stderr).toMatch(/INVALID_ARGUMENT.*go with --features VIEW/);
    const badPolicy = await mlp(
      ...['deploy', 'create', 'ghost', '--model', 'models:/flights@champion', '--features', 'origin_delays'],
      ...['--entity-key-field', 'origin', '--missing-features', 'skip'],
    );
    expect(badPolicy.stderr).toMatch(/INVALID_ARGUMENT.*--missing-features is reject .* or null/);
    expect((await mlp('deploy', 'show', 'ghost')).stderr).toMatch(/NOT_FOUND/);
  });

  it('creates, runs through agent restarts (state in the store), shows, rolls back by hand, pauses and deletes', async () => {
    const created = await mlp(
      ...['--json', 'deploy', 'create', 'flights', '--model', 'models:/flights@champion', '--strategy', 'canary'],
      ...['--steps', '50,100', '--interval', '1s'],
    );
    expect(created.code).toBe(0);
    const createdJson = parseJsonOutput<Record<string, unknown>>(created);
    expect(jsonConventionViolations(createdJson)).toEqual([]);
    expect(createdJson).toMatchObject({ name: 'flights', status: 'progressing', spec: { interval_ms: 1000, steps: [50, 100] } });

    // A first agent starts the champion; it is stopped, and the promotion lands while no agent runs.
    const first = spawnAgent();
    await until(show, (d) => d.status === 'healthy');
    const firstReport = await first.stop();
    expect(firstReport.code).toBe(0);
    expect(firstReport.report.deployments.map((d) => d.name)).toEqual(['flights']);
    expect(jsonConventionViolations(firstReport.report)).toEqual([]);
    await registry.setAlias('flights', 'champion', versions.two);

    // The next agent reads the alias event from its stored cursor and takes the first step; it is stopped mid-rollout.
    const second = spawnAgent();
    const midway = await until(show, (d) => d.revisions.some((rev) => rev.revision === 2 && rev.step === 0));
    expect((await second.stop()).code).toBe(0);
    expect((await show()).revisions.map((rev) => [rev.revision, rev.status])).toEqual([
      [1, 'stable'],
      [2, 'progressing'],
    ]);
    expect(midway.status).toBe('progressing');

    // A third resumes that rollout where the store says it is: no new revision, no step taken twice.
    const third = spawnAgent();
    await until(show, (d) => d.status === 'healthy');
    expect((await third.stop()).code).toBe(0);
    const history = await deploymentHistory(test.workspace, 'flights');
    expect(history.map((entry) => [entry.action, entry.details?.weight ?? null])).toEqual([
      ['created', null],
      ['rolled_out', null],
      ['rollout_started', null],
      ['step', 50],
      ['step', 100],
      ['rolled_out', null],
    ]);

    const shown = parseJsonOutput<Record<string, unknown>>(await mlp('--json', 'deploy', 'show', 'flights'));
    expect(jsonConventionViolations(shown)).toEqual([]);
    expect(shown).toMatchObject({
      name: 'flights',
      model: 'models:/flights@champion',
      target: 'local',
      strategy: 'canary',
      status: 'healthy',
      revisions: [
        { revision: 1, model_version: versions.one, weight: 0, status: 'superseded' },
        { revision: 2, model_version: versions.two, weight: 100, status: 'stable' },
      ],
    });
    const lastEntry = (shown.history as Array<Record<string, unknown>>).at(-1);
    expect(Object.keys(lastEntry ?? {})).toEqual(expect.arrayContaining(['at', 'action', 'from_version', 'to_version', 'reason']));
    expect(lastEntry).toMatchObject({ action: 'rolled_out', from_version: versions.one, to_version: versions.two });

    // By hand: back to revision 1 (the controller would start its servers again, then switch).
    const rolled = parseJsonOutput<Record<string, unknown>>(await mlp('--json', 'deploy', 'rollback', 'flights', '--reason', 'drill'));
    expect(rolled).toMatchObject({
      status: 'rolled_back',
      revisions: [
        { revision: 1, weight: 100, status: 'stable' },
        { revision: 2, weight: 0, status: 'rolled_back' },
      ],
    });
    const hist = parseJsonOutput<{ history: Array<Record<string, unknown>> }>(await mlp('--json', 'deploy', 'history', 'flights'));
    expect(hist.history.at(-1)).toMatchObject({
      action: 'rolled_back',
      from_version: versions.two,
      to_version: versions.one,
      reason: 'drill',
    });
    expect((await mlp('deploy', 'rollback', 'flights', '--to', '9')).stderr).toMatch(/no revision 9/);

    expect(parseJsonOutput<{ status: string }>(await mlp('--json', 'deploy', 'pause', 'flights')).status).toBe('paused');
    expect(parseJsonOutput<{ status: string }>(await mlp('--json', 'deploy', 'resume', 'flights')).status).toBe('healthy');
    const listed = parseJsonOutput<{ deployments: Array<Record<string, unknown>> }>(await mlp('--json', 'deploy', 'ls'));
    expect(listed.deployments).toMatchObject([{ name: 'flights', serving: [{ revision: 1, model_version: versions.one, weight: 100 }] }]);
    expect((await mlp('deploy', 'delete', 'flights')).code).toBe(0);
    expect((await mlp('deploy', 'show', 'flights')).stderr).toMatch(/NOT_FOUND.*no deployment 'flights'/);
  }, 300_000);
});
