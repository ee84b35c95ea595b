#!/usr/bin/env node
// The main job on the embedded default: set up a workspace and exercise the core, then the pipeline
// as far as it is built (ingest → validate → version → gate → train a tracked search → register and
// promote through gates). Each package's step lives in steps/.
//
//   npm run demo                 # in ./mlp-demo, kept to explore afterwards (replaced on the next run)
//   npm run demo -- --dir DIR    # in DIR instead (a folder the demo made, or an empty or new one)
//   npm run demo -- --clean      # remove the workspace when the demo ends
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { md5Hex, openWorkspace } from '@mlp/core';
import { prepareDemoDir } from './demo-dir.mjs';
import { dataCatalogStep } from './steps/data-catalog.mjs';
import { dataVersionStep } from './steps/data-version.mjs';
import { registryStep } from './steps/registry.mjs';
import { trainStep } from './steps/train.mjs';
import { validateStep } from './steps/validate.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'packages', 'cli', 'dist', 'bin.js');
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
const step = (title) => console.log(`\n▸ ${title}`);
const mlp = (...args) => execFileSync(process.execPath, [cli, '-C', dir, ...args], { encoding: 'utf8' });

try {
  step(`mlp init in ${dir}`);
  process.stdout.write(mlp('init'));

  step('mlp doctor --json');
  const doctor = JSON.parse(mlp('doctor', '--json'));
  for (const check of doctor.checks) console.log(`  ${check.ok ? '✓' : check.required ? '✗' : '·'} ${check.name}: ${check.detail}`);
  if (!doctor.ok) throw new Error('mlp doctor reported a problem');

  step('open the workspace (embedded PostgreSQL, local blob folder)');
  const openStarted = performance.now();
  const workspace = await openWorkspace({ dir, logLevel: 'warn' });
  console.log(
    `  opened in ${Math.round(performance.now() - openStarted)} ms: ${workspace.db.displayUrl}; blobs at ${workspace.blobs.location}`,
  );

  step('store a data file as a content-addressed blob');
  const csv = 'date,delay,distance,origin,destination\n01011015,-5,255,LAX,SFO\n01011140,28,1217,SEA,ORD\n';
  const key = `demo/files/md5/${md5Hex(csv)}`;
  const info = await workspace.blobs.put(key, csv, { contentType: 'text/csv' });
  console.log(`  put ${info.key} (${info.size} bytes)`);

  step('publish durable events in a transaction; a consumer receives them');
  const received = [];
  const subscription = workspace.events.subscribe(
    { consumer: 'demo-printer', types: ['demo.file_added'], pollIntervalMs: 100 },
    (event) => {
      received.push(event);
      console.log(`  received #${event.id} ${event.type} ${JSON.stringify(event.payload)}`);
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  await workspace.db.transaction(async (tx) => {
    await workspace.events.publish('demo.file_added', { key, size: info.size }, { tx });
  });
  while (received.length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await subscription.close();

  step('a second process joins the same embedded workspace while this one is open');
  const joined = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now();
         const { openWorkspace } = await import('@mlp/core');
         const ws = await openWorkspace({ dir: ${JSON.stringify(dir)}, logLevel: 'warn' });
         const joinMs = performance.now() - t;
         const [row] = await ws.db.query("select count(*)::int as n from mlp_events where type = 'demo.file_added'");
         const bytes = await ws.blobs.getBytes(${JSON.stringify(key)});
         await ws.close();
         console.log(JSON.stringify({ joinMs, events: row.n, blobBytes: bytes.length }));`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`second process exited ${code}`))));
  });
  console.log(
    `  joined in ${Math.round(joined.joinMs)} ms (including module load); saw ${joined.events} event(s) and the ${joined.blobBytes}-byte blob`,
  );

  await dataCatalogStep({ dir, step, mlp });
  const { report } = await validateStep({ dir, step, mlp });
  await dataVersionStep({ dir, step, mlp });

  const search = await trainStep({ dir, step, mlp, workspace });
  await registryStep({ dir, step, mlp, search });

  await workspace.close();
  console.log(`\n✓ demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (!clean) {
    const shown = path.relative(process.cwd(), dir) || '.';
    console.log(`\nThe workspace is kept in ${shown} (the next \`npm run demo\` replaces it; --clean removes it). Look at:`);
    console.log(`  npx mlp runs ls -C ${shown}      # the tracked training runs`);
    console.log(`  npx mlp models ls -C ${shown}    # the registered models and their aliases`);
    console.log(`  ${path.relative(process.cwd(), report)}   # the validation report, in a browser`);
  }
} finally {
  if (clean) demoDir.remove();
}
