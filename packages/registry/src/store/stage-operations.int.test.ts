import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stage } from '../model.js';
import { type Backend, openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (MlpError.isInstance(error)) return error.code;
    throw error;
  }
  return 'OK';
}

// MLflow's semantics (sqlalchemy_store.transition_model_version_stage, get_latest_versions): a stage
// is a column of the version; archive_existing_versions archives the others in that stage only;
// aliases are a table of their own and neither moves the other.
describe.each<Backend>(['embedded', 'postgres'])('stages on the %s store', (backend) => {
  let fx: RegistryFixture;
  const stagesOf = async (name: string) =>
    Object.fromEntries((await fx.registry.listVersions(name)).map((version) => [version.version, version.currentStage]));
  const register = async (name: string, count: number) => {
    const runId = await fx.trainedRun({ metrics: { auc: 0.9 } });
    for (let index = 0; index < count; index += 1) await fx.registry.registerVersion({ name, source: runId });
  };
  beforeAll(async () => {
    fx = await openRegistryFixture(backend);
    await register('iris', 4);
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('a new version is in None; archive_existing_versions=false leaves the stage holding several versions', async () => {
    expect(await stagesOf('iris')).toEqual({ 1: 'None', 2: 'None', 3: 'None', 4: 'None' });
    await fx.registry.transitionStage('iris', 1, 'Production', { archiveExistingVersions: false });
    await fx.registry.transitionStage('iris', 2, 'Production'); // false by default, as MLflow's client
    await fx.registry.transitionStage('iris', 3, 'Staging');
    expect(await stagesOf('iris')).toEqual({ 1: 'Production', 2: 'Production', 3: 'Staging', 4: 'None' });
    const latest = await fx.registry.latestVersions('iris', ['Production']);
    expect(latest.map((version) => version.version)).toEqual([2]);
  });

  it('archive_existing_versions=true archives the others in that stage only; Archived is kept and listed', async () => {
    const moved = await fx.registry.transitionStage('iris', 4, 'Production', { archiveExistingVersions: true });
    expect(moved).toMatchObject({ version: 4, currentStage: 'Production' });
    expect(await stagesOf('iris')).toEqual({ 1: 'Archived', 2: 'Archived', 3: 'Staging', 4: 'Production' });
    // MLflow's get-latest-versions with no stages: every stage, Archived included.
    const latest = await fx.registry.latestVersions('iris');
    expect(latest.map((version) => [version.version, version.currentStage])).toEqual([
      [2, 'Archived'],
      [3, 'Staging'],
      [4, 'Production'],
    ]);
    expect((await fx.registry.latestVersions('iris', ['None'])).map((version) => version.version)).toEqual([]);
    // An archived version can come back.
    await fx.registry.transitionStage('iris', 1, 'None');
    expect((await fx.registry.getVersion('iris', 1)).currentStage).toBe('None');
    expect((await fx.registry.latestVersions('iris', ['None', 'Archived'])).map((version) => version.version)).toEqual([1, 2]);
  });

  it('refuses archive_existing_versions for None and Archived, as MLflow does', async () => {
    for (const stage of ['None', 'Archived'] as Stage[]) {
      const error = await fx.registry
        .transitionStage('iris', 3, stage, { archiveExistingVersions: true })
        .catch((caught: unknown) => caught);
      expect(MlpError.isInstance(error) && error.code, stage).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain('only Staging and Production archive');
    }
    expect((await fx.registry.getVersion('iris', 3)).currentStage).toBe('Staging');
    expect(await codeOf(fx.registry.transitionStage('iris', 9, 'Staging'))).toBe('NOT_FOUND');
    expect(await codeOf(fx.registry.transitionStage('nope', 1, 'Staging'))).toBe('NOT_FOUND');
  });

  it('setting, moving or deleting an alias never changes a stage; a transition never sets an alias', async () => {
    const before = await stagesOf('iris');
    await fx.registry.setAlias('iris', 'production', 1);
    await fx.registry.setAlias('iris', 'staging', 2);
    await fx.registry.setAlias('iris', 'champion', 3);
    expect(await stagesOf('iris')).toEqual(before);
    await fx.registry.deleteAlias('iris', 'production');
    expect(await stagesOf('iris')).toEqual(before);
    await fx.registry.transitionStage('iris', 2, 'Production');
    await fx.registry.transitionStage('iris', 3, 'Archived');
    expect((await fx.registry.getModel('iris')).aliases).toEqual({ champion: 3, staging: 2 });
    expect((await fx.registry.getVersion('iris', 3)).aliases).toEqual(['champion']);
  });

  it('get-latest-versions: the newest version per stage whatever its status; a missing model is NOT_FOUND', async () => {
    await register('pending', 2);
    await fx.workspace.db.query(
      "update registry_versions set status = 'PENDING_REGISTRATION' where version = 2 and model_id = (select model_id from registry_models where name = 'pending')",
    );
    expect((await fx.registry.latestVersions('pending')).map((version) => [version.version, version.status])).toEqual([
      [2, 'PENDING_REGISTRATION'],
    ]);
    // Only READY versions move to an active stage (it is a promotion); any version can be archived.
    expect(await codeOf(fx.registry.transitionStage('pending', 2, 'Staging'))).toBe('FAILED_PRECONDITION');
    await fx.registry.transitionStage('pending', 2, 'Archived');
    expect((await fx.registry.latestVersions('pending', ['None', 'Archived'])).map((version) => version.version)).toEqual([1, 2]);
    expect(await codeOf(fx.registry.latestVersions('missing'))).toBe('NOT_FOUND');
  });

  it('audits every transition and announces it as a durable event, archived versions included', async () => {
    await register('audited', 2);
    await fx.registry.transitionStage('audited', 1, 'Staging', { actor: 'ana', reason: 'smoke tests' });
    await fx.registry.transitionStage('audited', 2, 'Staging', { actor: 'bo', archiveExistingVersions: true });
    const entries = (await fx.registry.history('audited')).filter((entry) => entry.action === 'model_version.stage_transitioned');
    expect(entries.map((entry) => [entry.version, entry.actor, entry.reason, entry.details])).toEqual([
      [1, 'ana', 'smoke tests', { stage: 'Staging', previousStage: 'None', archivedVersions: [] }],
      [1, 'bo', null, { stage: 'Archived', previousStage: 'Staging', archivedBy: 2 }],
      [2, 'bo', null, { stage: 'Staging', previousStage: 'None', archivedVersions: [1] }],
    ]);
    const events = await fx.workspace.db.query<{ payload: Record<string, unknown> }>(
      "select payload from mlp_events where type = 'model_version.stage_transitioned' and payload->>'name' = 'audited' order by id",
    );
    expect(events.map((event) => [event.payload.version, event.payload.stage, event.payload.previousStage])).toEqual([
      [1, 'Staging', 'None'],
      [1, 'Archived', 'Staging'],
      [2, 'Staging', 'None'],
    ]);
  });

  it('a transition to Production or Staging goes through the gates guarding production or staging; None and Archived do not', async () => {
    const good = await fx.trainedRun({ metrics: { auc: 0.91 } });
    const weak = await fx.trainedRun({ metrics: { auc: 0.42 } });
    await fx.registry.registerVersion({ name: 'gated', source: good });
    await fx.registry.registerVersion({ name: 'gated', source: weak });
    await fx.registry.setGates('gated', [
      { type: 'metric', expression: 'metrics.auc >= 0.8', aliases: ['production'] },
      { type: 'beats-current', metric: 'auc', aliases: ['production'] },
    ]);
    await fx.registry.transitionStage('gated', 2, 'Staging'); // no gate guards staging
    await fx.registry.transitionStage('gated', 1, 'Production', { archiveExistingVersions: true });
    const blocked = await fx.registry.transitionStage('gated', 2, 'Production').catch((caught: unknown) => caught);
    expect(MlpError.isInstance(blocked) && blocked.code).toBe('FAILED_PRECONDITION');
    // Judged against the stage's newest version (1), as beats-current judges an alias's holder.
    expect((blocked as Error).message).toMatch(/metrics\.auc >= 0\.8.*auc = 0\.42 vs version 1's 0\.91/);
    expect(await stagesOf('gated')).toEqual({ 1: 'Production', 2: 'Staging' });
    await fx.registry.transitionStage('gated', 1, 'Archived'); // never gated
    await fx.registry.transitionStage('gated', 2, 'Production', { force: true, reason: 'rollback drill', actor: 'oncall' });
    expect(await stagesOf('gated')).toEqual({ 1: 'Archived', 2: 'Production' });
    expect((await fx.registry.getModel('gated')).aliases).toEqual({});

    const history = await fx.registry.history('gated');
    const decisions = history.filter((entry) => entry.action.startsWith('promotion.'));
    expect(decisions.map((entry) => [entry.action, entry.version, entry.details.stage, entry.details.previousVersion])).toEqual([
      ['promotion.promoted', 1, 'Production', null],
      ['promotion.blocked', 2, 'Production', 1],
      ['promotion.forced', 2, 'Production', null],
    ]);
    expect(decisions.at(-1)).toMatchObject({ actor: 'oncall', reason: 'rollback drill' });
    const events = await fx.workspace.db.query<{ payload: Record<string, unknown> }>(
      "select payload from mlp_events where type = 'promotion.decided' and payload->>'name' = 'gated' order by id",
    );
    expect(events.map((event) => [event.payload.outcome, event.payload.stage, event.payload.version])).toEqual([
      ['promoted', 'Production', 1],
      ['blocked', 'Production', 2],
      ['forced', 'Production', 2],
    ]);
  });
});

// Concurrent promotions to a stage: each is judged against the stage's newest version as read, so
// only one of those judged against the same holder may land; the others are CONFLICT, audited. A
// gate that waits until every candidate has been judged makes the race certain, not a matter of timing.
describe.each<Backend>(['embedded', 'postgres'])('concurrent transitions to Production on the %s store', (backend) => {
  const racers = 6;
  let fx: RegistryFixture;
  let judged = 0;
  let releaseAll: () => void = () => {};
  const allJudged = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  beforeAll(async () => {
    const barrier = {
      name: 'barrier',
      async check() {
        judged += 1;
        if (judged === racers) releaseAll();
        await allJudged;
        return { passed: true, message: 'every candidate was judged' };
      },
    };
    fx = await openRegistryFixture(backend, { checks: [barrier] });
    const runId = await fx.trainedRun();
    for (let index = 0; index < racers; index += 1) await fx.registry.registerVersion({ name: 'raced', source: runId });
    await fx.registry.setGates('raced', [{ type: 'check', name: 'barrier', aliases: ['production'] }]);
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('one lands, the others are CONFLICT, and the stage holds one version', async () => {
    const versions = Array.from({ length: racers }, (_, index) => index + 1);
    const codes = await Promise.all(
      versions.map((version) => codeOf(fx.registry.transitionStage('raced', version, 'Production', { archiveExistingVersions: true }))),
    );
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(racers - 1);
    const inProduction = (await fx.registry.listVersions('raced')).filter((version) => version.currentStage === 'Production');
    expect(inProduction.map((version) => version.version)).toEqual([codes.indexOf('OK') + 1]);
    const decisions = (await fx.registry.history('raced')).filter((entry) => entry.action.startsWith('promotion.'));
    expect(decisions.map((entry) => entry.action).sort()).toEqual(
      ['promotion.promoted', ...Array.from({ length: racers - 1 }, () => 'promotion.conflict')].sort(),
    );
  });
});
