// Demo part: the flights-delay pipeline (examples/flights-delay/pipeline.ts) run by @mlp/orchestrate
// through `mlp pipeline run`: ingest the 3M vega-datasets flights as dataset `flights-raw`, validate
// them, version the training set `flights-delay` (DVC 3, pushed to a folder remote), train a 4-trial
// search, register the best model and promote it to `champion` through the gates.
import path from 'node:path';
import { indent } from '../demo-cli.mjs';

export const pipelineFile = path.resolve(import.meta.dirname, '..', '..', 'flights-delay', 'pipeline.ts');
/** A quick search: 4 trials on 30,000 rows for 4 epochs (the pipeline's defaults: 20 trials on 100,000 rows). */
export const demoParams = ['--param', 'trials=4', '--param', 'rows=30000', '--param', 'epochs=4'];

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
  console.log('  ingest → validate → version → train → register → promote; each step calls the packages’ SDKs');
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
  results.pipelineRun = run;
}
