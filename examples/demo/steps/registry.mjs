// Demo step of @mlp/registry: register the best trial of the training search, declare promotion
// gates, promote it to `champion` through them, watch a worse trial get blocked (with the failed
// gate listed), read the audit history and download the champion with every file's hash checked.
//
// Called by demo.mjs as `await registryStep({ dir, step, mlp, search })`: `dir` is the demo
// workspace, `step(title)` prints a heading, `mlp(...args)` runs the CLI there and returns its stdout,
// `search` is what `mlp train --json` printed in the train step.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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

export async function registryStep({ dir, step, mlp, search }) {
  const started = performance.now();
  const folder = path.join(dir, 'registry');
  mkdirSync(folder, { recursive: true });
  const finished = search.trials.filter((trial) => trial.status === 'FINISHED').sort((a, b) => a.metrics.val_auc - b.metrics.val_auc);
  const worst = finished[0];
  if (!worst || worst.run_id === search.best_run_id) throw new Error('the search needs two finished trials for this step');

  step('mlp models gates set: val_auc ≥ 0.55, beats the champion, same input signature, validated training data');
  const gates = path.join(folder, 'gates.json');
  writeFileSync(
    gates,
    JSON.stringify([
      'metrics.val_auc >= 0.55',
      { type: 'beats-current', metric: 'val_auc', direction: 'higher', margin: 0.001 },
      { type: 'signature-compatible' },
      { type: 'data-validated' },
    ]),
  );
  mlp('models', 'create', 'flights-delay', '--description', 'will a flight arrive more than 15 minutes late?');
  process.stdout.write(indent(mlp('models', 'gates', 'set', 'flights-delay', gates)));
  console.log();

  step('mlp models register + promote: the best trial’s model package becomes champion through the gates');
  process.stdout.write(indent(mlp('models', 'register', search.best_run_id, '--name', 'flights-delay')));
  console.log();
  process.stdout.write(indent(mlp('models', 'promote', 'flights-delay', '1', '--alias', 'champion', '--reason', 'best of the search')));
  console.log();

  step(`the weakest trial (val_auc ${worst.metrics.val_auc.toFixed(4)}) is blocked (exit 1, failed gates listed)`);
  mlp('models', 'register', worst.run_id, '--name', 'flights-delay');
  const blocked = mlpAllowingFailure(mlp, 'models', 'promote', 'flights-delay', '2', '--alias', 'champion');
  console.log(indent(`exit ${blocked.code}\n${blocked.stdout}`));
  if (blocked.code !== 1) throw new Error('the weaker trial was not blocked');

  step('mlp models history + download flights-delay@champion (hashes verified)');
  process.stdout.write(indent(mlp('models', 'history', 'flights-delay')));
  console.log();
  const out = path.join(folder, 'champion');
  process.stdout.write(indent(mlp('models', 'download', 'flights-delay@champion', '--out', out)));
  console.log(`\n  files: ${readdirSync(out).join(', ')}`);
  console.log(`  registry step took ${Math.round(performance.now() - started)} ms`);
}
