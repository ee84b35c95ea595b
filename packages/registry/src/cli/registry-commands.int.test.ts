import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { exitCodeFor } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';
import { registryCommands } from './registry-commands.js';

// The commands run in-process through the real CLI (parsing, output, exit codes) against a workspace
// on the embedded database that the fixture keeps open, so the CLI shares its embedded server.

const env = withoutMlpVariables(process.env);
let fx: RegistryFixture;
let goodRun: string;
let weakRun: string;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', fx.dir, ...args], { modules: [registryCommands], cwd: fx.dir, env: { ...env, MLP_USER: 'cli-user' } });
}

async function mlpJson<T = Record<string, unknown>>(...args: string[]): Promise<{ code: number; json: T }> {
  const result = await mlp('--json', ...args);
  const json = parseJsonOutput<T>(result);
  // Every --json document follows the CLI convention: snake_case keys, times in epoch milliseconds.
  expect(jsonConventionViolations(json)).toEqual([]);
  return { code: result.code, json };
}

beforeAll(async () => {
  fx = await openRegistryFixture('embedded');
  goodRun = await fx.trainedRun({ metrics: { auc: 0.91 }, tags: { 'mlp.validation.success': 'true' } });
  weakRun = await fx.trainedRun({ metrics: { auc: 0.6 }, tags: { 'mlp.validation.success': 'true' } });
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('mlp models', () => {
  it('create, ls and show', async () => {
    expect((await mlpJson('models', 'create', 'churn', '--description', 'who leaves')).json).toMatchObject({
      name: 'churn',
      description: 'who leaves',
    });
    expect((await mlpJson('models', 'create', 'churn')).code).toBe(exitCodeFor('ALREADY_EXISTS'));
    const listed = await mlpJson<Array<{ name: string }>>('models', 'ls');
    expect(listed.json.map((model) => model.name)).toEqual(['churn']);
    expect((await mlp('models', 'ls')).stdout).toMatch(/^name\s+aliases\s+updated\s+description\nchurn\s+-/);
  });

  it('register a run and a folder, list versions', async () => {
    const registered = await mlpJson('models', 'register', goodRun, '--name', 'churn');
    expect(registered).toMatchObject({ code: 0, json: { name: 'churn', version: '1', status: 'READY', run_id: goodRun } });
    expect((await mlpJson('models', 'register', `runs:/${weakRun}/model`, '--name', 'churn')).json).toMatchObject({ version: '2' });
    const folder = await mkdtemp(path.join(os.tmpdir(), 'mlp-cli-package-'));
    await writeFile(path.join(folder, 'model.onnx'), 'onnx');
    expect((await mlpJson('models', 'register', folder, '--name', 'packaged')).json).toMatchObject({ version: '1', source: folder });
    const bare = await fx.trainedRun({ model: false });
    const failed = await mlp('models', 'register', bare, '--name', 'churn');
    expect(failed.code).toBe(exitCodeFor('FAILED_PRECONDITION'));
    expect(failed.stderr).toContain('has no model artifact');
    const versions = await mlpJson<Array<{ version: string }>>('models', 'versions', 'churn');
    expect(versions.json.map((version) => version.version)).toEqual(['1', '2']);
  });

  it('promote through gates: passes, then blocks with exit 1 listing the failed gates, then force', async () => {
    const gatesFile = path.join(fx.dir, 'gates.json');
    await writeFile(gatesFile, JSON.stringify(['metrics.auc >= 0.8', { type: 'data-validated' }]));
    expect((await mlpJson('models', 'gates', 'set', 'churn', gatesFile)).code).toBe(0);

    const promoted = await mlpJson('models', 'promote', 'churn', '1', '--alias', 'champion', '--reason', 'best so far');
    expect(promoted).toMatchObject({ code: 0, json: { promoted: true, outcome: 'promoted', version: 1, alias: 'champion' } });

    const blocked = await mlp('models', 'promote', 'churn', '2', '--alias', 'champion');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/Blocked: churn version 2/);
    expect(blocked.stdout).toMatch(/FAIL\s+metrics\.auc >= 0\.8\s+auc = 0\.6 fails >= 0\.8/);
    expect(blocked.stdout).toMatch(/pass\s+training data validated/);
    const blockedJson = await mlpJson<{ promoted: boolean; failed_gates: Array<{ gate: string }> }>(
      'models',
      'promote',
      'churn',
      '2',
      '--alias',
      'champion',
    );
    expect(blockedJson.code).toBe(1);
    expect(blockedJson.json.promoted).toBe(false);
    expect(blockedJson.json.failed_gates.map((gate) => gate.gate)).toEqual(['metrics.auc >= 0.8']);

    expect((await mlp('models', 'promote', 'churn', '2', '--alias', 'champion', '--force')).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    const forced = await mlpJson('models', 'promote', 'churn', '2', '--alias', 'champion', '--force', '--reason', 'rollback test');
    expect(forced.json).toMatchObject({ outcome: 'forced', previous_version: 1 });
  });

  it('alias set and rm, history, download', async () => {
    expect((await mlpJson('models', 'alias', 'set', 'churn', 'challenger', '1', '--reason', 'A/B')).json).toEqual({
      name: 'churn',
      alias: 'challenger',
      version: 1,
    });
    expect((await mlp('models', 'alias', 'set', 'churn', 'latest', '1')).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect((await mlp('models', 'alias', 'set', 'churn', 'other', '9')).code).toBe(exitCodeFor('NOT_FOUND'));

    const out = path.join(fx.dir, 'downloaded');
    const downloaded = await mlpJson('models', 'download', 'churn@challenger', '--out', out);
    expect(downloaded.json).toMatchObject({ version: '1', files: 2 });
    expect(await readFile(path.join(out, 'model.onnx'), 'utf8')).toBe(`weights-${goodRun}`);

    expect((await mlpJson('models', 'alias', 'rm', 'churn', 'challenger')).code).toBe(0);
    const history = await mlpJson<Array<{ action: string; actor: string; reason: string | null }>>('models', 'history', 'churn');
    expect(history.json.map((entry) => entry.action)).toEqual([
      'registered_model.created',
      'model_version.created',
      'model_version.created',
      'gates.set',
      'promotion.promoted',
      'promotion.blocked',
      'promotion.blocked',
      'promotion.forced',
      'promotion.promoted', // `alias set` of an alias the gates guard goes through them
      'alias.deleted',
    ]);
    expect(history.json.every((entry) => entry.actor === 'cli-user')).toBe(true);
    expect(history.json.find((entry) => entry.action === 'promotion.forced')?.reason).toBe('rollback test');

    const show = await mlp('models', 'show', 'churn');
    expect(show.stdout).toContain('aliases: champion→2');
    expect((await mlpJson('models', 'delete', 'packaged')).json).toEqual({ name: 'packaged', deleted: true });
  });

  it('stage: MLflow stages through the gates, archiving on request, shown by versions; aliases untouched', async () => {
    const staged = await mlpJson('models', 'stage', 'churn', '1', 'production', '--reason', 'first release');
    expect(staged).toMatchObject({ code: 0, json: { version: '1', current_stage: 'Production' } });
    expect((await mlp('models', 'stage', 'churn', '2', 'Production')).code).toBe(exitCodeFor('FAILED_PRECONDITION'));
    expect((await mlp('models', 'stage', 'churn', '1', 'None', '--archive-existing-versions')).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect((await mlp('models', 'stage', 'churn', '1', 'Live')).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    const forced = await mlp('models', 'stage', 'churn', '2', 'Production', '--force', '--reason', 'hotfix', '--archive-existing-versions');
    expect(forced).toMatchObject({ code: 0, stdout: expect.stringContaining('churn version 2 is in Production.') });
    const versions = (await mlp('models', 'versions', 'churn')).stdout;
    expect(versions).toMatch(/^version\s+status\s+stage\s+aliases\s+created\s+source\n1\s+READY\s+Archived\s+-\s/);
    expect(versions).toMatch(/\n2\s+READY\s+Production\s+champion\s/);
  });
});
