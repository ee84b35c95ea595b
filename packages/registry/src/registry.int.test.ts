import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionPrefix } from './content/version-blobs.js';
import { type Backend, openRegistryFixture, type RegistryFixture } from './test-support/registry-fixture.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (MlpError.isInstance(error)) return error.code;
    throw error;
  }
  return 'OK';
}

describe.each<Backend>(['embedded', 'postgres'])('registry on the %s store', (backend) => {
  let fx: RegistryFixture;
  beforeAll(async () => {
    fx = await openRegistryFixture(backend);
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('creates models with unique names, tags and a description', async () => {
    const model = await fx.registry.createModel({ name: 'churn', description: 'who leaves', tags: { team: 'growth' } });
    expect(model).toMatchObject({ name: 'churn', description: 'who leaves', tags: { team: 'growth' }, aliases: {} });
    expect(await codeOf(fx.registry.createModel({ name: 'churn' }))).toBe('ALREADY_EXISTS');
    expect(await codeOf(fx.registry.getModel('nope'))).toBe('NOT_FOUND');
    expect(await codeOf(fx.registry.createModel({ name: 'a/b' }))).toBe('INVALID_ARGUMENT');
    const page = await fx.registry.listModels({ nameContains: 'CHU' });
    expect(page.items.map((item) => item.name)).toEqual(['churn']);
  });

  it('registers a run model: numbered versions, bytes copied and hashed, READY', async () => {
    const runId = await fx.trainedRun({ metrics: { auc: 0.9 } });
    const v1 = await fx.registry.registerVersion({ name: 'churn', source: `runs:/${runId}/model`, description: 'first' });
    expect(v1).toMatchObject({ name: 'churn', version: 1, status: 'READY', runId, source: `runs:/${runId}/model`, userId: 'tester' });
    expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // A bare run id means its `model` artifact.
    const v2 = await fx.registry.registerVersion({ name: 'churn', source: runId });
    expect(v2.version).toBe(2);
    expect(v2.contentHash).toBe(v1.contentHash);
    const listed = await fx.registry.listVersions('churn');
    expect(listed.map((version) => version.version)).toEqual([1, 2]);
    const history = await fx.registry.history('churn');
    expect(history.filter((entry) => entry.action === 'model_version.created').map((entry) => entry.version)).toEqual([1, 2]);
  });

  it('a run without a model artifact is FAILED_PRECONDITION and creates no version', async () => {
    const runId = await fx.trainedRun({ model: false });
    const before = await fx.registry.listVersions('churn');
    const error = await fx.registry.registerVersion({ name: 'churn', source: runId }).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('FAILED_PRECONDITION');
    expect((error as Error).message).toContain(`Run ${runId} has no model artifact at 'model'`);
    expect(await fx.registry.listVersions('churn')).toHaveLength(before.length);
  });

  it('registers a local model package folder, reading its signature.json', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'mlp-package-'));
    await writeFile(path.join(folder, 'model.onnx'), 'onnx');
    await writeFile(path.join(folder, 'signature.json'), JSON.stringify({ inputs: [{ name: 'x', type: 'double' }], outputs: [] }));
    const version = await fx.registry.registerVersion({ name: 'packaged', source: folder });
    expect(version).toMatchObject({ version: 1, status: 'READY', runId: null, source: folder });
    expect(JSON.parse(version.signature ?? 'null')).toEqual({ inputs: [{ name: 'x', type: 'double' }], outputs: [] });
  });

  it('assigns version numbers race-free under concurrent registrations', async () => {
    const runId = await fx.trainedRun();
    const versions = await Promise.all(Array.from({ length: 8 }, () => fx.registry.registerVersion({ name: 'racy', source: runId })));
    expect(versions.map((version) => version.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('downloads a version with every hash checked, and reports a corrupted one', async () => {
    const runId = await fx.trainedRun({ files: { 'model.onnx': 'the weights', 'nested/deep/vocab.txt': 'a b c' } });
    const version = await fx.registry.registerVersion({ name: 'dl', source: `runs:/${runId}/model` });
    await fx.registry.setAlias('dl', 'champion', version.version);
    const out = path.join(fx.dir, 'download-ok');
    const result = await fx.registry.download('models:/dl@champion', out);
    expect(result).toMatchObject({ files: 2, bytes: 'the weights'.length + 'a b c'.length });
    expect(await readFile(path.join(out, 'nested/deep/vocab.txt'), 'utf8')).toBe('a b c');
    expect(await codeOf(fx.registry.download('dl@champion', out))).toBe('ALREADY_EXISTS');

    // Tamper with the stored bytes behind the registry's back.
    const [row] = await fx.workspace.db.query<{ model_id: string }>('select model_id from registry_models where name = $1', ['dl']);
    await fx.workspace.blobs.put(`${versionPrefix(Number(row?.model_id), version.version)}model.onnx`, 'evil weights');
    const error = await fx.registry.download('models:/dl/1', path.join(fx.dir, 'download-bad')).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('FAILED_PRECONDITION');
    expect((error as Error).message).toMatch(/Version 1 of model 'dl' is corrupted: model\.onnx has sha256 [0-9a-f]{64}/);
  });

  it('a version left PENDING_REGISTRATION (a registration killed mid-copy) takes no alias and cannot be downloaded, but can be deleted', async () => {
    const runId = await fx.trainedRun();
    const version = await fx.registry.registerVersion({ name: 'halfway', source: runId });
    await fx.workspace.db.query(
      "update registry_versions set status = 'PENDING_REGISTRATION' where version = $1 and model_id = (select model_id from registry_models where name = 'halfway')",
      [version.version],
    );
    expect(await codeOf(fx.registry.setAlias('halfway', 'champion', version.version))).toBe('FAILED_PRECONDITION');
    expect(await codeOf(fx.registry.promote('halfway', version.version, { alias: 'champion' }))).toBe('FAILED_PRECONDITION');
    expect(await codeOf(fx.registry.download('halfway/1', path.join(fx.dir, 'halfway')))).toBe('FAILED_PRECONDITION');
    await fx.registry.deleteVersion('halfway', version.version);
    expect(await fx.registry.listVersions('halfway')).toEqual([]);
  });

  it('aliases: set, resolve by URI, reserved and malformed names, missing versions', async () => {
    await fx.registry.setAlias('churn', 'champion', 1, { reason: 'first good one' });
    expect((await fx.registry.resolve('models:/churn@champion')).version).toBe(1);
    expect((await fx.registry.resolve('models:/churn/2')).version).toBe(2);
    expect((await fx.registry.resolve('models:/churn/latest')).version).toBe(2);
    expect((await fx.registry.getModel('churn')).aliases).toEqual({ champion: 1 });
    expect((await fx.registry.getVersion('churn', 1)).aliases).toEqual(['champion']);
    for (const bad of ['latest', 'LATEST', 'v3', '3', '', 'has space', 'x'.repeat(256), '-dash']) {
      expect(await codeOf(fx.registry.setAlias('churn', bad, 1)), bad).toBe('INVALID_ARGUMENT');
    }
    expect(await codeOf(fx.registry.setAlias('churn', 'champion', 99))).toBe('NOT_FOUND');
    expect(await codeOf(fx.registry.resolve('models:/churn@nobody'))).toBe('NOT_FOUND');
    await fx.registry.setAlias('churn', 'temp', 2);
    await fx.registry.deleteAlias('churn', 'temp');
    expect(await codeOf(fx.registry.deleteAlias('churn', 'temp'))).toBe('NOT_FOUND');
    const actions = (await fx.registry.history('churn')).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['alias.set', 'alias.deleted']));
  });

  it('keeps MLflow stages apart from aliases (store/stage-operations.int.test.ts tests the rest)', async () => {
    await fx.registry.transitionStage('churn', 2, 'Staging');
    expect((await fx.registry.getVersion('churn', 2)).currentStage).toBe('Staging');
    await fx.registry.transitionStage('churn', 1, 'Production');
    expect(await codeOf(fx.registry.resolve('churn@production'))).toBe('NOT_FOUND');
    const latest = await fx.registry.latestVersions('churn', ['Production', 'Staging']);
    expect(latest.map((version) => [version.version, version.currentStage])).toEqual([
      [1, 'Production'],
      [2, 'Staging'],
    ]);
    await fx.registry.transitionStage('churn', 2, 'Archived');
    expect((await fx.registry.getVersion('churn', 2)).currentStage).toBe('Archived');
  });

  it('stores a weighted alias set for A/B serving', async () => {
    await fx.registry.setAlias('churn', 'challenger', 2);
    const split = await fx.registry.setTrafficSplit('churn', { challenger: 10, champion: 90 });
    expect(split.weights).toEqual([
      { alias: 'champion', weight: 90 },
      { alias: 'challenger', weight: 10 },
    ]);
    expect((await fx.registry.getTrafficSplit('churn'))?.weights).toEqual(split.weights);
    expect(await codeOf(fx.registry.setTrafficSplit('churn', { champion: 50, ghost: 50 }))).toBe('NOT_FOUND');
    expect(await codeOf(fx.registry.setTrafficSplit('churn', { champion: 0 }))).toBe('INVALID_ARGUMENT');
  });

  it('lineage: the run, its datasets, the git commit and the parent run', async () => {
    const search = await fx.tracking.startRun({ experiment: 'registry-tests', name: 'search' });
    await search.end();
    const run = await fx.tracking.startRun({
      experiment: 'registry-tests',
      parent: search.runId,
      tags: { 'mlp.source.git.commit': 'a'.repeat(40) },
      inputs: [{ name: 'flights', digest: 'abc', sourceType: 'dvc', source: 'data/flights.csv', context: 'training' }],
    });
    await run.logArtifact(new TextEncoder().encode('w'), { path: 'model/model.onnx' });
    await run.end();
    const version = await fx.registry.registerVersion({ name: 'traced', source: run.runId });
    const lineage = await fx.registry.lineage('traced', version.version);
    expect(lineage.run?.runId).toBe(run.runId);
    expect(lineage.parentRun?.runId).toBe(search.runId);
    expect(lineage.gitCommit).toBe('a'.repeat(40));
    expect(lineage.datasets).toEqual([expect.objectContaining({ name: 'flights', digest: 'abc', context: 'training' })]);
  });

  it('the audit log refuses updates and deletes', async () => {
    await expect(fx.workspace.db.query("update registry_audit_log set actor = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(fx.workspace.db.query('delete from registry_audit_log')).rejects.toThrow(/append-only/);
  });

  it('renames and deletes models; history outlives the deletion', async () => {
    const runId = await fx.trainedRun();
    await fx.registry.registerVersion({ name: 'doomed', source: runId });
    const [row] = await fx.workspace.db.query<{ model_id: string }>('select model_id from registry_models where name = $1', ['doomed']);
    const stored = async () => {
      const keys: string[] = [];
      for await (const blob of fx.workspace.blobs.list(versionPrefix(Number(row?.model_id), 1))) keys.push(blob.key);
      return keys;
    };
    expect(await stored()).toHaveLength(2);
    await fx.registry.renameModel('doomed', 'doomed2');
    expect((await fx.registry.resolve('doomed2/1')).name).toBe('doomed2');
    await fx.registry.deleteModel('doomed2');
    expect(await codeOf(fx.registry.getModel('doomed2'))).toBe('NOT_FOUND');
    expect(await stored()).toEqual([]);
    expect((await fx.registry.history('doomed2')).map((entry) => entry.action)).toEqual([
      'registered_model.renamed',
      'registered_model.deleted',
    ]);
  });
});
