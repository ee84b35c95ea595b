// Demo step of @mlp/data-version's DVC-compatible versioning: version a real file and a folder of
// real files, push them to a folder remote, lose the local copies and the cache, pull them back, and
// check the bytes.
//
// Called by demo.mjs as `await dataVersionStep({ dir, step, mlp })`: `dir` is the demo workspace,
// `step(title)` prints a heading, `mlp(...args)` runs the CLI there and returns its stdout.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const vegaData = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data');
const indent = (text) => text.trimEnd().replace(/^/gm, '  ');
const md5 = (file) => createHash('md5').update(readFileSync(file)).digest('hex');

export async function dataVersionStep({ dir, step, mlp }) {
  const started = performance.now();
  const sources = {
    'data/raw/flights-3m.parquet': 'flights-3m.parquet',
    'data/weather/seattle-weather.csv': 'seattle-weather.csv',
    'data/weather/weather.csv': 'weather.csv',
    'data/weather/windvectors.csv': 'windvectors.csv',
  };
  for (const [target, name] of Object.entries(sources)) {
    mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    copyFileSync(path.join(vegaData, name), path.join(dir, target));
  }

  step('mlp data add: a 13 MB Parquet file and a folder of CSVs, hashed into the DVC 3 cache layout');
  const added = JSON.parse(mlp('--json', 'data', 'add', 'data/raw/flights-3m.parquet', 'data/weather'));
  for (const entry of added)
    console.log(
      `  ${entry.path}: md5 ${entry.md5}, ${(entry.size / 1024 / 1024).toFixed(1)} MiB${entry.nfiles ? `, ${entry.nfiles} files` : ''}`,
    );
  console.log(`  ${path.join('data', 'raw', 'flights-3m.parquet.dvc')}:`);
  for (const line of readFileSync(path.join(dir, 'data/raw/flights-3m.parquet.dvc'), 'utf8').trimEnd().split('\n'))
    console.log(`    ${line}`);

  const targets = ['data/raw/flights-3m.parquet', 'data/weather'];
  const remote = mkdtempSync(path.join(tmpdir(), 'mlp-demo-remote-'));
  try {
    step('push to a folder remote (the layout `dvc pull` reads: files/md5/<2>/<30>)');
    mlp('data', 'remote', 'add', 'demo', remote, '--default');
    const pushed = JSON.parse(mlp('--json', 'data', 'push', ...targets));
    console.log(`  pushed ${pushed.transferred} objects (${(pushed.bytes / 1024 / 1024).toFixed(1)} MiB) to ${remote}`);

    step('lose the data and its cache objects, then mlp data pull: every object is md5-verified before it enters the cache');
    rmSync(path.join(dir, 'data', 'raw', 'flights-3m.parquet'));
    rmSync(path.join(dir, 'data', 'weather'), { recursive: true });
    // Only this step's objects leave the cache; other steps' data stays put.
    const cached = (md5) => path.join(dir, '.mlp', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
    for (const entry of added) {
      if (entry.md5.endsWith('.dir'))
        for (const file of JSON.parse(readFileSync(cached(entry.md5), 'utf8'))) rmSync(cached(file.md5), { force: true });
      rmSync(cached(entry.md5));
    }
    console.log(indent(mlp('data', 'status', ...targets)));
    const pulled = JSON.parse(mlp('--json', 'data', 'pull', ...targets));
    console.log(`  fetched ${pulled.transferred} objects; checked out ${pulled.checkout.changed.join(', ')}`);
    for (const [target, name] of Object.entries(sources)) {
      if (md5(path.join(dir, target)) !== md5(path.join(vegaData, name))) throw new Error(`${target} came back different`);
    }
    console.log(`  all ${Object.keys(sources).length} files are byte-identical to the originals`);
    console.log(indent(mlp('data', 'status', ...targets)));
    console.log(`  (data-version step took ${Math.round(performance.now() - started)} ms)`);
  } finally {
    rmSync(remote, { recursive: true, force: true });
  }
}
