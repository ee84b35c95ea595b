// Demo part: monitor the deployed model and retrain on drift. `mlp scheduler` (a child process) fires the
// flights-delay pipeline's event trigger on `monitor.alert_fired`; `mlp serve` of the champion logs every
// prediction; `mlp monitor create` profiles the training data of version 1 (found through lineage: the
// registry gives the version's run, the catalog's lineage the dataset version it trained on); a shifted
// batch of flights goes through the model; `mlp monitor run` computes the window, shows the drift table and
// fires the alert, and the scheduler starts the retraining run the alert triggers.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { indent } from '../demo-cli.mjs';
import { flightRecords } from '../deploy-traffic.mjs';
import { featureFlags } from './deploy.mjs';

const model = 'flights-delay';
const monitor = 'flights-drift';
const limitMs = 120_000;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function monitorPart({ dir, step, cli, workspace }) {
  step('mlp scheduler (a child process): fires the pipeline’s trigger on monitor.alert_fired');
  const triggersCursor = async () =>
    (await workspace.db.query("select 1 from mlp_event_consumers where consumer = 'orchestrate.triggers'")).length > 0;
  const scheduler = startChild(cli.bin, dir, ['scheduler']);
  const children = [scheduler];
  const onSignal = (signal) => {
    for (const child of children) child.process.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Event triggers read the events published after their durable cursor exists: wait for the cursor.
    await until('the scheduler’s event cursor', scheduler, triggersCursor);
    console.log('  listening for monitor.alert_fired (examples/flights-delay/pipeline.ts: triggers)');

    // The model takes origin_delays' features too: the server reads them from the online store, as the deployment's do.
    step(`mlp serve models:/${model}@champion --log-predictions --deployment ${model} ${featureFlags.join(' ')}`);
    const serve = startChild(cli.bin, dir, [
      '--json',
      'serve',
      `models:/${model}@champion`,
      '--port',
      '0',
      '--log-predictions',
      '--deployment',
      model,
      ...featureFlags,
    ]);
    children.push(serve);
    const url = await serve.url;
    console.log(`  serving at ${url}, every answer written to the workspace's prediction log`);

    step(
      `mlp monitor create ${monitor} --deployment ${model} --reference models:/${model}/1 --columns distance,origin,destination --window 10m --alert 'drift: drift_share>=0.5 critical'`,
    );
    const created = JSON.parse(
      await cli.mlpAsync(
        'monitor',
        'create',
        monitor,
        '--deployment',
        model,
        '--reference',
        `models:/${model}/1`,
        '--columns',
        'distance,origin,destination',
        '--window',
        '10m',
        '--alert',
        'drift: drift_share>=0.5 critical',
        '--json',
      ),
    );
    console.log(`  reference: ${created.reference.resolved}`);

    step('a shifted batch: 150 requests of 4 flights, longer routes from a few hubs, through /invocations');
    let answered = 0;
    for (let seed = 0; seed < 150; seed++) {
      const records = flightRecords(4, seed).map((flight, i) => ({
        ...flight,
        distance: flight.distance + 2500,
        origin: ['ORD', 'DEN'][i % 2],
      }));
      const answer = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: records }),
      });
      await answer.arrayBuffer();
      if (answer.ok) answered += 1;
    }
    // SIGTERM: the server drains and writes the prediction log's buffer before it exits.
    await stopChild(serve);
    console.log(`  ${answered} requests answered; mlp serve stopped (its prediction log written)`);

    step(`mlp monitor run ${monitor}: the last 10 minutes of predictions against the training data`);
    const runsBefore = new Set(JSON.parse(cli.mlp('pipeline', 'runs', model, '--json')).map((listed) => listed.run_id));
    const run = cli.allowingFailure('monitor', 'run', monitor, '--json');
    const result = JSON.parse(run.stdout);
    for (const column of result.columns)
      console.log(
        `  ${column.column.padEnd(12)} ${(column.test ?? '–').padEnd(14)} ${column.score === null ? '–'.padEnd(10) : column.score.toPrecision(3).padEnd(10)} ${column.test === null ? `not tested: ${column.problem}` : column.drifted ? 'DRIFT' : 'ok'}`,
      );
    console.log(
      `  ${result.rows} rows; dataset drift: ${result.dataset_drift} (${result.drifted_columns} of ${result.tested_columns} columns); exit ${run.code}`,
    );
    for (const alert of result.alerts) console.log(`  alert ${alert.key} ${alert.kind} (${alert.severity}, drift share ${alert.value})`);
    if (!result.alerts.some((alert) => alert.kind === 'fired')) throw new Error('the shifted batch fired no alert');

    step('the retraining run the alert started (orchestrate’s event trigger, in the scheduler)');
    // It trains with the pipeline's default search (20 trials on 100,000 rows): the demo follows it to the
    // training step and cancels it there (`mlp pipeline retry RUN_ID` would resume it).
    const started = await until('the triggered pipeline run to reach training', scheduler, async () => {
      const [latest] = JSON.parse(await cli.mlpAsync('pipeline', 'runs', model, '--limit', '1', '--json'));
      if (!latest || runsBefore.has(latest.run_id)) return undefined;
      const shown = JSON.parse(await cli.mlpAsync('pipeline', 'show', latest.run_id, '--json'));
      const train = shown.tasks.find((task) => task.name === 'train');
      return shown.status !== 'running' || train?.status !== 'pending' ? shown : undefined;
    });
    console.log(
      `  run ${started.run_id} (trigger ${started.trigger}, key ${started.trigger_key}), params trials=${started.params.trials}, rows=${started.params.rows}`,
    );
    console.log(indent(started.tasks.map((task) => `${task.name.padEnd(9)} ${task.status}${task.cached ? ' (cached)' : ''}`).join('\n')));
    const logs = JSON.parse(await cli.mlpAsync('pipeline', 'logs', started.run_id, 'ingest', '--json'));
    for (const line of logs.slice(-1)) console.log(`  ingest: ${line.message}`);
    if (started.status === 'failed')
      throw new Error(`the retraining run ${started.run_id} failed: see \`npx mlp pipeline show ${started.run_id}\``);
    if (started.status === 'running') {
      await cli.mlpAsync('pipeline', 'cancel', started.run_id);
      console.log(`  training started; cancelled to keep the demo short (\`mlp pipeline retry ${started.run_id}\` resumes it)`);
    }

    step(`mlp monitor alerts --monitor ${monitor}`);
    console.log(indent(cli.mlp('monitor', 'alerts', '--monitor', monitor)));
  } finally {
    for (const child of children) await stopChild(child);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A child `mlp` process; `url` resolves to the first line's URL (mlp serve --json prints it when ready). */
function startChild(bin, dir, args) {
  const child = spawn(process.execPath, [bin, '-C', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = { process: child, output: '', exited: new Promise((resolve) => child.on('exit', resolve)) };
  child.stderr.on('data', (chunk) => (handle.output += chunk));
  handle.url = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      handle.output += `${line}\n`;
      if (line.startsWith('{"url"')) resolve(JSON.parse(line).url);
    });
    handle.exited.then((code) => reject(new Error(`mlp ${args.join(' ')} exited (${code}):\n${indent(handle.output.slice(-2000))}`)));
  });
  handle.url.catch(() => {});
  return handle;
}

async function stopChild(handle) {
  if (handle.process.exitCode !== null || handle.process.signalCode !== null) return;
  handle.process.kill('SIGTERM');
  const killer = setTimeout(() => handle.process.kill('SIGKILL'), 30_000);
  await handle.exited;
  clearTimeout(killer);
}

/** Polls `check` until it returns a value (a condition, not a sleep), failing if the child ends or after a generous bound. */
async function until(what, child, check) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`waiting for ${what}: the child ended:\n${indent(child.output.slice(-2000))}`);
    const value = await check();
    if (value) return value;
    await pause(300);
  }
  throw new Error(`${what} did not come within ${limitMs / 1000} s`);
}
