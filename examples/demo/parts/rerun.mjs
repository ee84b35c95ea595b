// Demo part: the same pipeline again, on the same data: ingest finds the version unchanged, and every
// later step reuses its earlier output (cached by the hash of its inputs, params and source).
import { demoParams, lastRun, pipelineFile } from './pipeline.mjs';

export async function rerunPart({ step, cli }) {
  step('run it again on the same data: ingest finds flights-raw unchanged; every later step is cached');
  const started = performance.now();
  const code = cli.live('pipeline', 'run', pipelineFile, ...demoParams);
  if (code !== 0) throw new Error(`the second run failed (exit ${code})`);
  const run = JSON.parse(cli.mlp('pipeline', 'show', lastRun(cli).run_id, '--json'));
  const cached = run.tasks.filter((task) => task.cached).map((task) => task.name);
  console.log(
    `  ${cached.length} of ${run.tasks.length} steps cached (${cached.join(', ')}); ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
