import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';
import type { PromotionCheck } from './gate-types.js';

const signature = (inputs: Array<[string, string]>) => ({
  inputs: inputs.map(([name, type]) => ({ name, type })),
  outputs: [{ name: 'score', type: 'double' }],
});

const driftCheck: PromotionCheck = {
  name: 'drift-free',
  async check({ candidateRun, options }) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const drift = candidateRun?.metrics.drift?.value ?? 1;
    const limit = Number(options.limit ?? 0.1);
    return { passed: drift <= limit, message: `drift ${drift} vs limit ${limit}` };
  },
};

async function blocked(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

describe.each<Backend>(['embedded', 'postgres'])('promotion gates on the %s store', (backend) => {
  let fx: RegistryFixture;
  let good: number;
  let weak: number;
  let better: number;
  let reshaped: number;

  beforeAll(async () => {
    fx = await openRegistryFixture(backend, { checks: [driftCheck] });
    const register = async (metrics: Record<string, number>, validated: boolean, inputs: Array<[string, string]>) =>
      (
        await fx.registry.registerVersion({
          name: 'fraud',
          source: await fx.trainedRun({
            metrics,
            tags: validated ? { 'mlp.validation.success': 'true' } : { 'mlp.validation.success': 'false' },
            signature: signature(inputs),
          }),
        })
      ).version;
    good = await register({ auc: 0.85, drift: 0.05 }, true, [['amount', 'double']]);
    weak = await register({ auc: 0.7, drift: 0.5 }, false, [['amount', 'double']]);
    better = await register({ auc: 0.9, drift: 0.01 }, true, [['amount', 'double']]);
    reshaped = await register({ auc: 0.99, drift: 0.01 }, true, [['amount', 'string']]);
    await fx.registry.setGates('fraud', [
      'metrics.auc >= 0.8',
      { type: 'beats-current', metric: 'auc', margin: 0.02 },
      { type: 'signature-compatible' },
      { type: 'data-validated' },
      { type: 'check', name: 'drift-free', options: { limit: 0.1 }, aliases: ['champion'] },
    ]);
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('rejects malformed gate declarations', async () => {
    await expect(fx.registry.setGates('fraud', ['auc > 0.8'])).rejects.toThrow(/metrics\.<key> <op> <number>/);
    await expect(fx.registry.setGates('fraud', [{ type: 'bogus' } as never])).rejects.toThrow(/Invalid gate #1/);
    expect(await fx.registry.getGates('fraud')).toHaveLength(5);
  });

  it('promotes a version that passes every gate, recording each outcome', async () => {
    const decision = await fx.registry.promote('fraud', good, { alias: 'champion', reason: 'first release' });
    expect(decision).toMatchObject({ outcome: 'promoted', previousVersion: null, alias: 'champion', version: good });
    expect(decision.gates).toHaveLength(5);
    expect(decision.gates.every((gate) => gate.passed)).toBe(true);
    expect((await fx.registry.resolve('fraud@champion')).version).toBe(good);
    const [entry] = (await fx.registry.history('fraud')).filter((item) => item.action === 'promotion.promoted');
    expect(entry).toMatchObject({ actor: 'tester', reason: 'first release', version: good });
    expect(entry?.details.gates).toHaveLength(5);
  });

  it('blocks a version that fails gates and explains each failure', async () => {
    const error = await blocked(fx.registry.promote('fraud', weak, { alias: 'champion' }));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toContain('blocked by 4 gates');
    expect(error.message).toContain('auc = 0.7 fails >= 0.8');
    expect(error.message).toContain('mlp.validation.success=false');
    expect(error.message).toContain('drift 0.5 vs limit 0.1');
    expect((await fx.registry.resolve('fraud@champion')).version).toBe(good);
    const last = (await fx.registry.history('fraud')).at(-1);
    expect(last).toMatchObject({ action: 'promotion.blocked', version: weak });
  });

  it('gates only guard the aliases they name', async () => {
    const outcomes = await fx.registry.checkGates('fraud', weak, 'shadow');
    expect(outcomes.map((outcome) => outcome.gate)).not.toContain('check drift-free');
  });

  it('beats-current needs the margin, and the signature must stay compatible', async () => {
    const outcomes = await fx.registry.checkGates('fraud', better, 'champion');
    expect(outcomes.find((outcome) => outcome.type === 'beats-current')).toMatchObject({ passed: true });
    const reshapedOutcomes = await fx.registry.checkGates('fraud', reshaped, 'champion');
    expect(reshapedOutcomes.find((outcome) => outcome.type === 'signature-compatible')).toMatchObject({
      passed: false,
      message: expect.stringContaining('input amount:string differs from the current amount:double'),
    });
    await fx.registry.promote('fraud', better, { alias: 'champion' });
    const notEnough = await fx.registry.checkGates('fraud', good, 'champion');
    expect(notEnough.find((outcome) => outcome.type === 'beats-current')).toMatchObject({ passed: false });
  });

  it('force needs a reason and is recorded as forced, with the failed gates', async () => {
    expect((await blocked(fx.registry.promote('fraud', weak, { alias: 'champion', force: true }))).code).toBe('INVALID_ARGUMENT');
    const decision = await fx.registry.promote('fraud', weak, {
      alias: 'champion',
      force: true,
      reason: 'hotfix for incident 42',
      actor: 'alice',
    });
    expect(decision).toMatchObject({ outcome: 'forced', previousVersion: better });
    const last = (await fx.registry.history('fraud')).at(-1);
    expect(last).toMatchObject({ action: 'promotion.forced', actor: 'alice', reason: 'hotfix for incident 42' });
  });

  it('a missing version is NOT_FOUND and a reserved alias INVALID_ARGUMENT', async () => {
    expect((await blocked(fx.registry.promote('fraud', 99, { alias: 'champion' }))).code).toBe('NOT_FOUND');
    expect((await blocked(fx.registry.promote('fraud', good, { alias: 'latest' }))).code).toBe('INVALID_ARGUMENT');
  });

  it('publishes promotion.decided and model_version.alias_set in the same transaction', async () => {
    const rows = await fx.workspace.db.query<{ type: string; payload: { outcome?: string; version: number } }>(
      "select type, payload from mlp_events where type in ('promotion.decided', 'model_version.alias_set') order by id",
    );
    const decided = rows.filter((row) => row.type === 'promotion.decided').map((row) => row.payload.outcome);
    expect(decided).toEqual(['promoted', 'blocked', 'promoted', 'forced']);
    expect(rows.filter((row) => row.type === 'model_version.alias_set').map((row) => row.payload.version)).toEqual([good, better, weak]);
  });
});
