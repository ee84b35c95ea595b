// Demo step of @mlp/data-version's catalog: ingest the vega-datasets flights (200,000 rows of JSON)
// as a versioned Parquet dataset, show its history, then resolve `flights@latest` and read a few rows.
//
// Called by demo.mjs as `await dataCatalogStep({ dir, step, mlp })`: `dir` is the demo workspace,
// `step(title)` prints a heading, `mlp(...args)` runs the CLI there and returns its stdout.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { openDatasetCatalog } from '@mlp/data-version';

const require = createRequire(import.meta.url);
const vegaData = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data');

export async function dataCatalogStep({ dir, step, mlp }) {
  step('ingest the vega-datasets flights (200,000 rows of JSON) as Parquet, versioned as dataset `flights`');
  const source = path.join(vegaData, 'flights-200k.json');
  const ingested = JSON.parse(mlp('data', 'ingest', source, '--to', 'data/flights.parquet', '--tag', 'demo', '--json'));
  console.log(
    `  ${ingested.created ? 'created' : 'unchanged'} ${ingested.ref}: ${ingested.rows.toLocaleString('en-US')} rows, ` +
      `${(ingested.bytes / 1024 / 1024).toFixed(1)} MiB of Parquet (from ${(statSync(source).size / 1024 / 1024).toFixed(1)} MiB of JSON), md5 ${ingested.root_hash}`,
  );

  step('mlp data log flights; mlp data show flights@latest');
  process.stdout.write(mlp('data', 'log', 'flights'));
  process.stdout.write(`\n${mlp('data', 'show', 'flights@latest')}`);

  step('resolve flights@latest and read it: five rows as records, one column as a typed array');
  const workspace = await openWorkspace({ dir, logLevel: 'warn' });
  try {
    const catalog = await openDatasetCatalog(workspace);
    const resolved = await catalog.resolve('flights@latest');
    console.log(`  ${resolved.version.ref} is at ${path.relative(dir, resolved.path)} (${resolved.location})`);
    for await (const row of await catalog.open('flights@latest', { limit: 5 })) {
      // `time` is the hour of departure (0 to 24), `distance` miles, `delay` minutes.
      const departs = `${String(Math.floor(row.time)).padStart(2, '0')}:${String(Math.round((row.time % 1) * 60)).padStart(2, '0')}`;
      console.log(`  departs ${departs}  ${String(row.distance).padStart(4)} mi  delay ${String(row.delay).padStart(4)} min`);
    }
    const { delay } = await (await catalog.open('flights@demo', { columns: ['delay'] })).columns();
    const late = delay.filter((minutes) => minutes > 15).length;
    console.log(
      `  ${delay.length.toLocaleString('en-US')} delays in a ${delay.constructor.name}; ${((100 * late) / delay.length).toFixed(1)}% over 15 minutes`,
    );

    // Lineage: what a training run records through the catalog's LineageRecorder.
    await catalog.lineage.recordUse({ runId: 'demo-run', datasetVersion: 'flights@latest', role: 'input' });
    const uses = await catalog.lineage.runsOfVersion(resolved.version.ref);
    console.log(`  lineage: ${uses.map((use) => `${use.runId} used ${use.version.ref} as ${use.role}`).join('; ')}`);
  } finally {
    await workspace.close();
  }
}
