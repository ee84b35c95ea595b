// Demo part: the flights-delay pipeline (examples/flights-delay/pipeline.ts) run by @mlp/orchestrate
// through `mlp pipeline run`: ingest the 3M vega-datasets flights as dataset `flights-raw`, validate
// them, version the training set `flights-delay` (DVC 3, pushed to a folder remote), train a 4-trial
// search (20 trials on 200,000 rows with `--full`), register the best model and promote it to `champion` through the gates.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { indent } from '../demo-cli.mjs';

export const pipelineFile = path.resolve(import.meta.dirname, '..', '..', 'flights-delay', 'pipeline.ts');
/** A quick search: 4 trials on 30,000 rows for 4 epochs (the pipeline's defaults: 20 trials on 100,000 rows). */
const quickParams = ['--param', 'trials=4', '--param', 'rows=30000', '--param', 'epochs=4'];
/**
 * `npm run demo -- --full`: 20 trials on 200,000 rows (twice the pipeline's default sample) for spec.yaml's 6
 * epochs, one trial per core (at least 2). On fresh clones of this shared 2-core machine the search took 65 s
 * on 50,000 rows (load 8–17) and about 15 minutes on 300,000 (load 18–23): 200,000 keeps the whole demo well under
 * 30 minutes when the machine is loaded.
 */
const fullParams = ['--param', 'trials=20', '--param', 'rows=200000', '--param', `parallel=${Math.max(2, availableParallelism())}`];
/** The demo's search; the parts that run the pipeline again (rerun, stop-on-failure) pass the same, so the rerun is cached. */
export const demoParams = process.argv.includes('--full') ? fullParams : quickParams;

/** The last run of the pipeline, as `mlp pipeline runs --json` lists it. */
export function lastRun(cli) {
  const [run] = JSON.parse(cli.mlp('pipeline', 'runs', 'flights-delay', '--limit', '1', '--json'));
  return run;
}

export async function pipelinePart({ dir, step, cli, results }) {
  step('a folder data remote, the default: the pipeline’s version step pushes the training set there (the layout `dvc pull` reads)');
  cli.mlp('data', 'remote', 'add', 'demo', path.join(dir, 'remote'), '--default');
  console.log(`  ${path.join(dir, 'remote')}`);

  step(`mlp pipeline run ${path.relative(process.cwd(), pipelineFile)} ${demoParams.join(' ')}`);
  console.log('  ingest → validate → version → features → train → register → promote; each step calls the packages’ SDKs');
  const started = performance.now();
  const code = cli.live('pipeline', 'run', pipelineFile, ...demoParams);
  if (code !== 0) throw new Error(`the pipeline run failed (exit ${code}): see \`npx mlp pipeline show\` in ${dir}`);
  const run = lastRun(cli);
  console.log(`  run ${run.run_id} ${run.status} in ${((performance.now() - started) / 1000).toFixed(1)} s (the CLI process included)`);

  step(`mlp pipeline logs ${run.run_id}: what each step did`);
  const lines = JSON.parse(cli.mlp('pipeline', 'logs', run.run_id, '--json'));
  const trainLines = lines.filter((line) => line.step === 'train');
  // The search reports every trial; its last lines say how it ended.
  for (const line of lines.filter((line) => line.step !== 'train' || trainLines.indexOf(line) >= trainLines.length - 2))
    console.log(indent(`${new Date(line.time).toISOString().slice(11, 19)} ${line.step.padEnd(8)} ${line.message}`));
  console.log(`  the search: ${trialCounts(cli, run.run_id)}`);
  results.pipelineRun = run;
}

/** How the run's trials ended, from tracking: every trial is a run tagged with the pipeline run's id. */
function trialCounts(cli, runId) {
  const runs = JSON.parse(
    cli.mlp('runs', 'ls', '-e', 'flights-delay', '--filter', `tags.\`mlp.pipeline.run_id\` = '${runId}'`, '--json'),
  ).filter((tracked) => tracked.run_name?.startsWith('trial-'));
  const statuses = [...new Set(runs.map((tracked) => tracked.status))].map(
    (status) => `${runs.filter((tracked) => tracked.status === status).length} ${status}`,
  );
  return `${runs.length} tracked trials (${statuses.join(', ')}; KILLED: stopped early by ASHA)`;
}
