// Demo part: deploy the champion locally and roll a new version out as a canary. `mlp deploy create`
// a canary deployment of models:/flights-delay@champion (steps 25, 50, 100 of 2 s each, analysis
// failure_rate<0.05) whose servers enrich each record from the online feature store (the view
// origin_delays, keyed by the record's `origin`: the features the model trained on, which clients do not
// send), `mlp deploy agent` as a child process runs its router and `mlp serve` servers,
// records flow through `/invocations` on the router, a new version is registered and `champion` moves to
// it, and the controller (following `model_version.alias_set`) rolls it out while the demo prints the
// revisions' weights and each analysis as `mlp deploy show --json` reports them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { indent } from '../demo-cli.mjs';
import { describeByRevision, startTraffic } from '../deploy-traffic.mjs';

const model = 'flights-delay';
const name = 'flights-delay';
/**
 * Request enrichment, as in the pipeline's training set: the view's latest values for the record's
 * origin airport. An airport the store has nothing for is scored with the features missing (imputed as
 * in training, where an airport's first hour has none) rather than refused.
 */
export const featureFlags = ['--features', 'origin_delays', '--entity-key-field', 'origin', '--missing-features', 'null'];
/** Generous bounds so a broken rollout ends the demo with a message instead of hanging. */
const readyLimitMs = 120_000;
const rolloutLimitMs = 180_000;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function deployPart({ dir, step, cli }) {
  step(
    `mlp deploy create ${name} --model models:/${model}@champion --strategy canary --steps 25,50,100 --interval 2s ${featureFlags.join(' ')}`,
  );
  const created = JSON.parse(
    cli.mlp(
      'deploy',
      'create',
      name,
      '--model',
      `models:/${model}@champion`,
      '--strategy',
      'canary',
      '--steps',
      '25,50,100',
      '--interval',
      '2s',
      '--analysis',
      'failure_rate<0.05',
      '--port',
      '0',
      ...featureFlags,
      '--json',
    ),
  );
  const stableVersion = created.revisions[0].model_version;
  console.log(
    `  ${created.name}: version ${stableVersion} (the champion), ${created.strategy}, analysis ${created.spec.analysis.join(', ')}`,
  );
  console.log(
    `  its servers add ${created.spec.features.view}' features to each record, by its ${Object.values(created.spec.features.entity_keys).join(', ')}`,
  );

  step('mlp deploy agent (a child process): starts the router and an `mlp serve` of the champion');
  const agent = startAgent(cli.bin, dir);
  // Stopped by a signal, the demo stops the agent too (finally blocks do not run then); its servers follow it.
  const onSignal = (signal) => {
    agent.child.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let traffic;
  let closed = false;
  try {
    const endpoint = await waitForEndpoint(cli, agent);
    agent.endpoint = endpoint;
    console.log(`  router at ${endpoint}, revision r1 (version ${stableVersion}) ready`);

    step(`records through ${endpoint}/invocations (4 flights a request), kept flowing through the rollout`);
    traffic = startTraffic(endpoint);
    while (traffic.counts.requests < 50) await pause(50);
    console.log(`  ${traffic.counts.requests} requests so far, by revision: ${describeByRevision(traffic.counts.byRevision)}`);

    step(`a new version: the champion's package registered again, and ${model}@champion moved to it`);
    const newVersion = registerAgain(cli, dir);
    console.log(`  registered version ${newVersion}`);
    const promoted = cli.allowingFailure('models', 'promote', model, String(newVersion), '--alias', 'champion', '--json');
    let decision = JSON.parse(promoted.stdout);
    if (!decision.promoted) {
      // Gates that read the training run's metrics cannot judge a package registered from a folder.
      console.log(`  blocked by ${decision.failed_gates.map((gate) => gate.gate ?? gate.name).join(', ')}: promoting with --force`);
      decision = JSON.parse(
        cli.mlp(
          'models',
          'promote',
          model,
          String(newVersion),
          '--alias',
          'champion',
          '--force',
          '--reason',
          'demo: a canary of the same package',
          '--json',
        ),
      );
    }
    console.log(
      `  ${decision.outcome}: champion → version ${newVersion} (was ${decision.previous_version}); the controller follows the event`,
    );

    step('the canary as `mlp deploy show --json` reports it while traffic flows');
    const outcome = await followRollout(cli, newVersion, agent);
    const counts = await traffic.stop();
    traffic = undefined;
    console.log(
      `  ${outcome}: ${counts.requests} requests (${counts.records} records answered), by revision: ${describeByRevision(counts.byRevision)}${counts.errors ? `; ${counts.errors} connection errors` : ''}`,
    );
    console.log(
      `  each step moved on once its ${created.spec.interval_ms / 1000} s interval passed the analysis (${created.spec.analysis.join(', ')} on the canary's own servers' /metrics)`,
    );
    if (outcome !== 'rolled out') throw new Error(`the canary of version ${newVersion} was not rolled out (${outcome})`);

    step(`mlp deploy history ${name}`);
    console.log(indent(cli.mlp('deploy', 'history', name)));
  } finally {
    await traffic?.stop();
    step('stop: SIGTERM to the agent');
    closed = await stopAgent(agent);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!closed) throw new Error("the deployment's router still answers after the agent stopped");
}

function startAgent(bin, dir) {
  const child = spawn(process.execPath, [bin, '-C', dir, 'deploy', 'agent', '--poll-interval', '500ms', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const agent = {
    child,
    output: '',
    stdout: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout.on('data', (chunk) => {
    agent.output += chunk;
    agent.stdout += chunk;
  });
  child.stderr.on('data', (chunk) => (agent.output += chunk));
  return agent;
}

const agentEnded = (agent) => agent.child.exitCode !== null || agent.child.signalCode !== null;

function agentFailure(agent, what) {
  return new Error(
    agent.output.trim() ? `${what}; the agent said:\n${indent(agent.output.slice(-2000))}` : `${what}; the agent printed nothing`,
  );
}

/** Waits for the agent to publish the router's URL and for the router to answer records. */
async function waitForEndpoint(cli, agent) {
  const deadline = Date.now() + readyLimitMs;
  while (Date.now() < deadline) {
    if (agentEnded(agent))
      throw agentFailure(agent, `mlp deploy agent ended (${agent.child.signalCode ?? `exit ${agent.child.exitCode}`})`);
    const { endpoint } = JSON.parse(await cli.mlpAsync('deploy', 'show', name, '--json'));
    if (endpoint) {
      const answer = await fetch(`${endpoint}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: [{ date: '2001-03-02T07:15:00Z', distance: 740, origin: 'SEA', destination: 'SFO' }] }),
      }).catch(() => undefined);
      if (answer?.ok) return endpoint;
    }
    await pause(500);
  }
  throw agentFailure(agent, `the deployment did not answer within ${readyLimitMs / 1000} s`);
}

/** Registers the champion's files again as a new version (downloaded with their hashes checked). */
function registerAgain(cli, dir) {
  const out = mkdtempSync(path.join(dir, 'champion-'));
  try {
    cli.mlp('models', 'download', `${model}@champion`, '--out', out);
    const version = JSON.parse(
      cli.mlp('models', 'register', out, '--name', model, '--description', 'the champion again, to show a canary rollout', '--json'),
    );
    return Number(version.version);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Prints each change of the revisions and each new history line until the new version is stable or rolled back. */
async function followRollout(cli, newVersion, agent) {
  const deadline = Date.now() + rolloutLimitMs;
  let shownRevisions = '';
  let shownHistory = 0;
  while (Date.now() < deadline) {
    if (agentEnded(agent))
      throw agentFailure(agent, `mlp deploy agent ended (${agent.child.signalCode ?? `exit ${agent.child.exitCode}`})`);
    const shown = JSON.parse(await cli.mlpAsync('deploy', 'show', name, '--json'));
    const revisions = shown.revisions
      .map((rev) => `r${rev.revision} v${rev.model_version} ${rev.weight}% ${rev.status} (analysis rounds ${rev.analysis_rounds})`)
      .join(' | ');
    if (revisions !== shownRevisions) {
      console.log(`  ${shown.status.padEnd(11)} ${revisions}`);
      shownRevisions = revisions;
    }
    for (const entry of shown.history.slice(shownHistory)) {
      const details = entry.details && Object.keys(entry.details).length ? ` ${JSON.stringify(entry.details)}` : '';
      console.log(
        `    ${new Date(entry.at).toISOString().slice(11, 23)} ${entry.action}${entry.reason ? `: ${entry.reason}` : ''}${details}`,
      );
    }
    shownHistory = shown.history.length;
    const canary = shown.revisions.find((rev) => Number(rev.model_version) === newVersion);
    if (canary?.status === 'stable' && canary.weight === 100) return 'rolled out';
    if (canary && ['rolled_back', 'failed'].includes(canary.status)) return canary.status.replace('_', ' ');
    await pause(400);
  }
  return `still rolling out after ${rolloutLimitMs / 1000} s`;
}

/** SIGTERM: the agent stops its router and servers (they drain), prints its report and exits. True when its router is closed. */
async function stopAgent(agent) {
  if (!agentEnded(agent)) agent.child.kill('SIGTERM');
  const killer = setTimeout(() => agent.child.kill('SIGKILL'), 30_000);
  const { code, signal } = await agent.exited;
  clearTimeout(killer);
  console.log(`  mlp deploy agent stopped (${signal ?? `exit ${code}`}): ${agentReport(agent.stdout)}`);
  if (agent.endpoint) {
    const answered = await fetch(`${agent.endpoint}/v2/health/live`).then(
      () => true,
      () => false,
    );
    console.log(`  its router ${answered ? 'still answers' : 'is closed'} at ${agent.endpoint}`);
    return !answered;
  }
  return true;
}

/** The `--json` report the agent prints when it stops: the deployments it ran and their URLs. */
function agentReport(stdout) {
  try {
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
    const ran = report.deployments.map((entry) => `${entry.name} at ${entry.url}`).join(', ');
    return `ran ${ran || 'nothing'} for ${((report.stopped_at - report.started_at) / 1000).toFixed(1)} s`;
  } catch {
    return 'no report';
  }
}
