// Demo part: the workspace on the embedded default. `mlp init` and `mlp doctor`, then the core at work:
// a content-addressed blob, durable events received by a consumer, and a second process joining the
// same embedded database while this one has it open.
import { spawn } from 'node:child_process';
import { md5Hex, openWorkspace } from '@mlp/core';

/** Returns the workspace it opened (the demo closes it at the end). */
export async function workspacePart({ dir, root, step, cli }) {
  const { mlp } = cli;
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
  await new Promise((resolve) => setTimeout(resolve, 200)); // the new consumer's cursor starts at the end of the log
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
  return workspace;
}
