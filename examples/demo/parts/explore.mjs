// Demo part: what the pipeline run left in the workspace, seen through each package's commands: the
// schedule and trigger it declares, the dataset versions and the `.dvc` file, the tracked runs, the
// registry's history, and predictions of the champion through tfjs and ONNX.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { indent } from '../demo-cli.mjs';

export async function explorePart({ dir, step, cli }) {
  step('mlp pipeline schedules: every day at 06:00 New York time, and on each new version of flights-raw');
  console.log(indent(cli.mlp('pipeline', 'schedules')));
  console.log('  `mlp scheduler` (or `mlp worker`) fires them; `mlp data ingest FILE --name flights-raw` starts a run');

  step('mlp data log flights-raw / flights-delay: the ingested version and the training set cut from it');
  console.log(indent(cli.mlp('data', 'log', 'flights-raw')));
  console.log(indent(cli.mlp('data', 'log', 'flights-delay')));
  const dvcFile = path.join(dir, 'data', 'flights-delay.parquet.dvc');
  console.log(`  ${path.relative(dir, dvcFile)} (DVC 3, pushed to the default remote):`);
  console.log(indent(indent(readFileSync(dvcFile, 'utf8'))));

  step('mlp runs ls -e flights-delay: the trials of the search and the runs of the tracked steps (validate, promote)');
  console.log(indent(cli.mlp('runs', 'ls', '-e', 'flights-delay')));

  step('mlp models history flights-delay: registered, gates declared, promoted to champion');
  console.log(indent(cli.mlp('models', 'history', 'flights-delay')));

  step('mlp predict models:/flights-delay@champion, through tfjs and through ONNX (onnxruntime-node)');
  const flights = [
    { date: '2001-03-02T07:15:00Z', distance: 740, origin: 'SEA', destination: 'SFO' },
    { date: '2001-03-02T18:40:00Z', distance: 1846, origin: 'ORD', destination: 'LAX' },
  ];
  // The model takes the origin's features too: their latest values, from the online store the pipeline filled.
  const online = JSON.parse(
    cli.mlp('features', 'get', 'origin_delays', ...flights.flatMap((f) => ['--key', `origin=${f.origin}`]), '--json'),
  );
  console.log(
    `  with origin_delays' latest values from the online store (mlp features get origin_delays --key origin=SEA --key origin=ORD)`,
  );
  const records = path.join(dir, 'flights-sample.json');
  writeFileSync(records, JSON.stringify(flights.map((flight, i) => ({ ...flight, ...online.results[i].features }))));
  console.log(indent(cli.mlp('predict', 'models:/flights-delay@champion', records)));
  console.log(indent(cli.mlp('predict', 'models:/flights-delay@champion', records, '--runtime', 'onnx')));
}
