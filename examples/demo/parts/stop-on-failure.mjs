// Demo part: a bad batch stops the pipeline at validation. A month of the real flights with three kinds
// of fault (impossible delays, missing origins, malformed airport codes) is ingested as a new version of
// flights-raw; validate fails, nothing downstream runs, and the champion stays as it was.
import path from 'node:path';
import { openTabularDb, sqlString, tabularScanSql } from '@mlp/core/tabular';
import { indent } from '../demo-cli.mjs';
import { demoParams, lastRun, pipelineFile } from './pipeline.mjs';

export async function stopOnFailurePart({ dir, root, step, cli }) {
  const flights = path.join(root, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
  const batch = path.join(dir, 'flights-june-faulty.parquet');
  const db = await openTabularDb();
  const connection = await db.connect();
  try {
    await connection.run(
      `COPY (SELECT date,
                    CASE WHEN row_number() OVER () % 5000 = 0 THEN 9999 ELSE delay END AS delay,
                    distance,
                    CASE WHEN row_number() OVER () % 20000 = 0 THEN NULL ELSE origin END AS origin,
                    CASE WHEN row_number() OVER () % 7000 = 0 THEN 'X?Z' ELSE destination END AS destination
             FROM ${tabularScanSql(flights, 'parquet')} WHERE month(date) = 6) TO ${sqlString(batch)} (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    await db.close();
  }

  step('a faulty batch (June, with injected faults) through the same pipeline: validation stops the run');
  const code = cli.live('pipeline', 'run', pipelineFile, ...demoParams, '--param', `source=${batch}`);
  const run = lastRun(cli);
  console.log(`  exit code ${code}: run ${run.run_id} ${run.status}`);
  if (code !== 1 || run.status !== 'failed') throw new Error('the faulty batch was not stopped');
  console.log(indent(cli.mlp('pipeline', 'logs', run.run_id, 'validate')));
  const champion = JSON.parse(cli.mlp('models', 'show', 'flights-delay', '--json'));
  const alias = champion.aliases.find((entry) => entry.alias === 'champion');
  console.log(`  flights-delay@champion is still version ${alias?.version}`);
}
