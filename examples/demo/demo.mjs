#!/usr/bin/env node
// The main job on the embedded default: set up a workspace and exercise the core, then run the
// flights-delay pipeline (examples/flights-delay/pipeline.ts) through @mlp/orchestrate: ingest →
// validate → version → train a tracked search → register → promote through the gates. Then look at
// what it left, run it again (cached), and watch a faulty batch stop at validation. Last, deploy the
// champion locally with `mlp deploy agent`, send records through its router, move `champion` to a new
// version and watch the canary roll it out, step by step, each step analysed. Then monitor the model: a
// shifted batch drifts from its training data, an alert fires, and the pipeline retrains on it.
//
// Each part lives in parts/ and gets the same `demo` object; a part reads what earlier parts put in `demo.results`.
//
//   npm run demo                 # in ./mlp-demo, kept to explore afterwards (replaced on the next run)
//   npm run demo -- --full       # the full search: 20 trials on 200,000 rows, one trial per core (parts/pipeline.mjs)
//   npm run demo -- --dir DIR    # in DIR instead (a folder the demo made, or an empty or new one)
//   npm run demo -- --clean      # remove the workspace when the demo ends
import path from 'node:path';
import { demoCli } from './demo-cli.mjs';
import { prepareDemoDir } from './demo-dir.mjs';
import { deployPart } from './parts/deploy.mjs';
import { explorePart } from './parts/explore.mjs';
import { monitorPart } from './parts/monitor.mjs';
import { pipelinePart } from './parts/pipeline.mjs';
import { rerunPart } from './parts/rerun.mjs';
import { stopOnFailurePart } from './parts/stop-on-failure.mjs';
import { workspacePart } from './parts/workspace.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const dirFlag = process.argv.indexOf('--dir');
const clean = process.argv.includes('--clean');
const dir = path.resolve(dirFlag === -1 ? 'mlp-demo' : (process.argv[dirFlag + 1] ?? ''));
let demoDir;
try {
  demoDir = prepareDemoDir(dir);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}

const started = performance.now();
const demo = {
  dir,
  root,
  /** Prints a part's heading. */
  step: (title) => console.log(`\n▸ ${title}`),
  cli: demoCli(dir),
  /** What parts hand later parts: `pipelineRun` (the run's JSON). */
  results: {},
};

const parts = [pipelinePart, explorePart, rerunPart, stopOnFailurePart, deployPart, monitorPart];

let workspace;
try {
  workspace = await workspacePart(demo);
  demo.workspace = workspace;
  for (const part of parts) await part(demo);
  const search = process.argv.includes('--full') ? 'the full search (--full)' : 'a quick search (--full runs 20 trials)';
  console.log(`\n✓ demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s, with ${search}`);
  if (!clean) {
    const shown = path.relative(process.cwd(), dir) || '.';
    console.log(`\nThe workspace is kept in ${shown} (the next \`npm run demo\` replaces it; --clean removes it). Look at:`);
    console.log(`  npx mlp pipeline runs -C ${shown}                # the pipeline's runs; \`show RUN_ID\` for one`);
    console.log(`  npx mlp runs ls -e flights-delay -C ${shown}     # the tracked trials and steps`);
    console.log(`  npx mlp models show flights-delay -C ${shown}    # the registered versions and the champion`);
    console.log(`  npx mlp deploy show flights-delay -C ${shown}    # the deployment; \`mlp deploy agent\` serves it again`);
    console.log(
      `  npx mlp ui -C ${shown}                           # the web UI: runs, datasets, models, lineage, pipelines, deployments, alerts`,
    );
  }
} finally {
  await workspace?.close();
  if (clean) demoDir.remove();
}
