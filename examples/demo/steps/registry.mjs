// Demo step of @mlp/registry: register the best trial's model, declare promotion gates, promote it to
// `champion` through them, watch a worse candidate get blocked (with the failed gates listed), read the
// audit history and download the champion with every file's hash checked.
//
// Called by demo.mjs as `await registryStep({ dir, step, mlp, workspace, runId })`: `dir` is the demo
// workspace, `step(title)` prints a heading, `mlp(...args)` runs the CLI there and returns its stdout,
// `workspace` is the open workspace and `runId` the best trial of the sweep.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTracking } from '@mlp/tracking';

const indent = (text) => text.trimEnd().replace(/^/gm, '  ');

/** Runs the CLI and returns its stdout and exit code, also when it exits non-zero (a blocked promotion is an answer). */
function mlpAllowingFailure(mlp, ...args) {
  try {
    return { code: 0, stdout: mlp(...args) };
  } catch (error) {
    if (typeof error.status === 'number' && typeof error.stdout === 'string') {
      return { code: error.status, stdout: error.stdout, stderr: String(error.stderr ?? '') };
    }
    throw error;
  }
}

const signature = {
  inputs: [
    { name: 'lr', type: 'double' },
    { name: 'epochs', type: 'long' },
  ],
  outputs: [{ name: 'loss', type: 'double' }],
};

/**
 * A refit of a trial on all the data, logged as a child run with a model artifact (`model/`): the
 * demo sweep's trials log metrics only. Stands in for what @mlp/train's packaging will write.
 */
async function refit(tracking, parentRunId, valLoss, validated) {
  const parent = await tracking.getRun(parentRunId);
  return tracking.withRun(
    {
      experiment: parent.experimentId,
      name: `${parent.name}-refit`,
      parent: parentRunId,
      params: parent.params,
      tags: { 'mlp.validation.success': String(validated) },
    },
    async (run) => {
      run.logMetric('val_loss', valLoss);
      const weights = new TextEncoder().encode(JSON.stringify({ lr: parent.params.lr, weights: [0.12, -0.5, 0.33], valLoss }));
      await run.logArtifact(weights, { path: 'model/model.json' });
      await run.logArtifact(new TextEncoder().encode(JSON.stringify(signature)), { path: 'model/signature.json' });
      return run.runId;
    },
  );
}

export async function registryStep({ dir, step, mlp, workspace, runId }) {
  const started = performance.now();
  const folder = path.join(dir, 'registry');
  mkdirSync(folder, { recursive: true });
  const tracking = createTracking(workspace, { handleSignals: false });
  try {
    const best = await tracking.getRun(runId);
    const hasModel = (await tracking.listArtifacts(runId, 'model')).length > 0;
    let source = runId;
    if (!hasModel) {
      step('mlp models register: a run without a model artifact is refused');
      const refused = mlpAllowingFailure(mlp, 'models', 'register', runId, '--name', 'demo-sweep');
      console.log(indent(`exit ${refused.code}: ${(refused.stderr ?? '').trim()}`));
      source = await refit(tracking, runId, best.metrics.val_loss.value, true);
      console.log(`  refit ${best.name} with a model artifact as run ${source.slice(0, 8)}…`);
    }

    step('mlp models gates set: val_loss ≤ 0.5, beats the champion, same signature, validated training data');
    const gates = path.join(folder, 'gates.json');
    writeFileSync(
      gates,
      JSON.stringify([
        'metrics.val_loss <= 0.5',
        { type: 'beats-current', metric: 'val_loss', direction: 'lower', margin: 0.001 },
        { type: 'signature-compatible' },
        { type: 'data-validated' },
      ]),
    );
    mlp('models', 'create', 'demo-sweep', '--description', 'the learning-rate sweep of the demo');
    process.stdout.write(indent(mlp('models', 'gates', 'set', 'demo-sweep', gates)));
    console.log();

    step('mlp models register + promote: the best trial becomes champion through the gates');
    process.stdout.write(indent(mlp('models', 'register', source, '--name', 'demo-sweep')));
    console.log();
    process.stdout.write(indent(mlp('models', 'promote', 'demo-sweep', '1', '--alias', 'champion', '--reason', 'best of the sweep')));
    console.log();

    step('a worse candidate on unvalidated data is blocked (exit 1, failed gates listed)');
    const worse = await refit(tracking, runId, best.metrics.val_loss.value * 1.5, false);
    mlp('models', 'register', worse, '--name', 'demo-sweep');
    const blocked = mlpAllowingFailure(mlp, 'models', 'promote', 'demo-sweep', '2', '--alias', 'champion');
    console.log(indent(`exit ${blocked.code}\n${blocked.stdout}`));
    if (blocked.code !== 1) throw new Error('the worse candidate was not blocked');

    step('mlp models history + download demo-sweep@champion (hashes verified)');
    process.stdout.write(indent(mlp('models', 'history', 'demo-sweep')));
    console.log();
    const out = path.join(folder, 'champion');
    process.stdout.write(indent(mlp('models', 'download', 'demo-sweep@champion', '--out', out)));
    console.log(`\n  files: ${readdirSync(out).join(', ')}`);
  } finally {
    await tracking.close();
  }
  console.log(`  registry step took ${Math.round(performance.now() - started)} ms`);
}
