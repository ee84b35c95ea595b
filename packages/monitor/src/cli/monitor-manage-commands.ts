import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, writeFileAtomic } from '@mlp/core';
import type { ColumnDriftOptions } from '../drift/detect-drift.js';
import { qualitySummary } from '../monitors/monitor-quality.js';
import { loadReferenceProfile } from '../monitors/monitor-reference.js';
import { checkSchedule, nextTick } from '../monitors/monitor-schedule.js';
import { type MonitorSpecInput, parseAlertExpression, parseDurationMs, parseMonitorSpec } from '../monitors/monitor-spec.js';
import { type MonitorStore, openMonitorStore, referenceProfileName, type StoredMonitor } from '../monitors/monitor-store.js';
import { runMonitor } from '../monitors/run-monitor.js';
import { renderMonitorWindowReport } from '../report/monitor-window-report.js';
import { openProfileStore } from '../store/profile-store.js';
import { monitorJson, monitorRunJson, monitorShowJson } from './json-shapes.js';
import { monitorCliSources } from './monitor-cli-sources.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

interface CreateFlags {
  deployment?: string;
  model?: string;
  dataset?: string;
  reference?: string;
  columns?: string;
  test?: string;
  threshold?: string;
  columnTest: string[];
  driftShare: string;
  schedule?: string;
  timezone?: string;
  every?: string;
  window: string;
  alert: string[];
  webhook?: string;
  task?: string;
  predictionColumn?: string;
  scoreColumn?: string;
  positiveClass?: string;
}

const collect = (value: string, all: string[]) => [...all, value];
const time = (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : new Date(ms).toISOString());
const short = (value: number | null) => (value === null ? '–' : Number(value.toPrecision(4)).toString());

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new MlpError('INVALID_ARGUMENT', `${flag} ${value} is not a number.`);
  return parsed;
}

/** `--column-test delay=psi:0.2`, `delay=psi` or `delay=:0.2`. */
export function parseColumnTests(values: readonly string[]): Record<string, ColumnDriftOptions> {
  const perColumn: Record<string, ColumnDriftOptions> = {};
  for (const value of values) {
    const match = /^(.+?)=([^:]*)(?::(.+))?$/.exec(value);
    if (!match || (!match[2] && match[3] === undefined))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `--column-test ${value}: write COLUMN=TEST, COLUMN=TEST:THRESHOLD or COLUMN=:THRESHOLD (for example delay=psi:0.2).`,
      );
    const threshold = number(`--column-test ${value}: the threshold`, match[3]);
    perColumn[match[1] as string] = { ...(match[2] ? { test: match[2] } : {}), ...(threshold !== undefined ? { threshold } : {}) };
  }
  return perColumn;
}

/** `--reference`: `training` (the deployment's serving version), `models:/…` (that version's training data), a dataset version, or a file. */
async function referenceOf(value: string, modelUri: string | undefined): Promise<MonitorSpecInput['reference']> {
  if (value === 'training') {
    if (!modelUri)
      throw new MlpError(
        'INVALID_ARGUMENT',
        '--reference training needs --deployment (its serving model version); or give models:/NAME/VERSION.',
      );
    return { kind: 'training-data', model: modelUri };
  }
  if (value.startsWith('models:/')) return { kind: 'training-data', model: value };
  const file = path.resolve(value);
  if (
    await access(file).then(
      () => true,
      () => false,
    )
  )
    return { kind: 'file', file };
  if (/^[^@/\\\s]+@[^@/\\\s]+$/.test(value)) return { kind: 'dataset', ref: value };
  throw new MlpError(
    'NOT_FOUND',
    `--reference ${value}: no such file; give a file, a dataset version (flights@3), models:/NAME/VERSION or training.`,
  );
}

/** `--task` and its columns: the model quality each run measures from arrived labels. */
function qualityOf(flags: CreateFlags): MonitorSpecInput['quality'] {
  if (!flags.task) {
    if (flags.predictionColumn || flags.scoreColumn || flags.positiveClass)
      throw new MlpError(
        'INVALID_ARGUMENT',
        '--prediction-column, --score-column and --positive-class need --task binary|multiclass|regression.',
      );
    return null;
  }
  if (flags.task !== 'binary' && flags.task !== 'multiclass' && flags.task !== 'regression')
    throw new MlpError('INVALID_ARGUMENT', `--task ${flags.task}: write binary, multiclass or regression.`);
  return {
    task: flags.task,
    ...(flags.predictionColumn ? { predictionColumn: flags.predictionColumn } : {}),
    ...(flags.scoreColumn ? { scoreColumn: flags.scoreColumn } : {}),
    ...(flags.positiveClass ? { positiveClass: flags.positiveClass } : {}),
  };
}

async function createMonitor(context: CliContext, name: string, flags: CreateFlags): Promise<void> {
  if (Boolean(flags.deployment) === Boolean(flags.dataset))
    throw new MlpError(
      'INVALID_ARGUMENT',
      'mlp monitor create needs one of --deployment NAME (its prediction log) or --dataset NAME (its latest version).',
    );
  if (!flags.reference)
    throw new MlpError(
      'INVALID_ARGUMENT',
      'mlp monitor create needs --reference: a file, a dataset version, models:/NAME/VERSION or training.',
    );
  if (flags.schedule && flags.every) throw new MlpError('INVALID_ARGUMENT', 'Give --schedule CRON or --every DURATION, not both.');
  const workspace = await context.openWorkspace({ applicationName: 'mlp monitor create' });
  let model = flags.model;
  let servingUri: string | undefined;
  if (flags.deployment) {
    // The deployment's model name (what its servers log under) and serving version, when deploy is installed.
    const deployments = await context.service('deployments');
    const found = deployments
      ? await deployments.get(flags.deployment).catch((error: unknown) => {
          // A server run by hand (`mlp serve --deployment D`) has no stored deployment: --model names what it logs under.
          if (!MlpError.isInstance(error) || error.code !== 'NOT_FOUND') throw error;
          if (flags.model) return undefined;
          throw new MlpError(
            'NOT_FOUND',
            `${error.message.replace(/\.$/, '')}; for servers started by hand with --deployment ${flags.deployment}, give --model NAME (the model name they log under).`,
          );
        })
      : undefined;
    model ??= found?.modelName ?? flags.deployment;
    const serving = found?.revisions.filter((revision) => revision.status === 'stable').sort((a, b) => b.weight - a.weight)[0];
    if (found && serving) servingUri = `models:/${found.modelName}/${serving.modelVersion}`;
  }
  const threshold = number('--threshold', flags.threshold);
  const driftShare = number('--drift-share', flags.driftShare) ?? 0.5;
  const input: MonitorSpecInput = {
    name,
    source: flags.deployment
      ? { kind: 'deployment', deployment: flags.deployment, model: model as string }
      : { kind: 'dataset', dataset: flags.dataset as string },
    reference: await referenceOf(flags.reference, servingUri),
    windowMs: parseDurationMs(flags.window, '--window'),
    tests: {
      driftShare,
      perColumn: parseColumnTests(flags.columnTest),
      ...(flags.columns
        ? {
            columns: flags.columns
              .split(',')
              .map((column) => column.trim())
              .filter(Boolean),
          }
        : {}),
      ...(flags.test ? { test: flags.test } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    },
    schedule: flags.schedule
      ? { cron: flags.schedule, ...(flags.timezone ? { timezone: flags.timezone } : {}) }
      : flags.every
        ? { everyMs: parseDurationMs(flags.every, '--every') }
        : null,
    quality: qualityOf(flags),
    alerts: flags.alert.map(parseAlertExpression),
    webhookUrl: flags.webhook ?? null,
  };
  const spec = parseMonitorSpec(input);
  if (spec.schedule) checkSchedule(spec.schedule);
  // The reference is profiled now (and stored), so a bad reference fails here rather than at the first run.
  const store = await openMonitorStore(workspace);
  const sources = await monitorCliSources(context);
  context.progress(`profiling the reference`);
  const { profile, description } = await loadReferenceProfile(spec, sources);
  const { monitor, webhookSecret } = await store.create({ ...spec, referenceResolved: description });
  await (await openProfileStore(workspace)).saveReference(referenceProfileName(name), profile);
  context.output(
    `Monitor ${name} created: ${flags.deployment ? `deployment ${flags.deployment} (model ${model})` : `dataset ${flags.dataset}@latest`} against ${description} (${profile.rows} rows), windows of ${flags.window}${spec.schedule ? `, next run ${time(nextTick(spec.schedule, Date.now()))}` : ', run with `mlp monitor run`'}.${webhookSecret ? `\nWebhook secret (shown once): ${webhookSecret}` : ''}`,
    { ...monitorJson(monitor), webhook_secret: webhookSecret },
  );
}

function parseWindowEnd(value: string): number {
  const windowEnd = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(windowEnd))
    throw new MlpError('INVALID_ARGUMENT', `--window-end ${value} is not a time: give an ISO time or epoch milliseconds.`);
  return windowEnd;
}

/** `show --report`: the stored window (latest, or ending at --window-end) as an HTML report, written atomically. */
async function writeWindowReport(store: MonitorStore, monitor: StoredMonitor, file: string, windowEnd: string | undefined): Promise<void> {
  const end = windowEnd === undefined ? undefined : parseWindowEnd(windowEnd);
  const stored = (await store.results(monitor.spec.name, end === undefined ? { limit: 1 } : { from: end, to: end, limit: 1 }))[0];
  if (!stored)
    throw new MlpError(
      'NOT_FOUND',
      end === undefined
        ? `Monitor ${monitor.spec.name} has no stored window yet: run \`mlp monitor run ${monitor.spec.name}\` first.`
        : `Monitor ${monitor.spec.name} has no stored window ending at ${new Date(end).toISOString()}: see \`mlp monitor show ${monitor.spec.name}\` for the windows it has.`,
    );
  await writeFileAtomic(path.resolve(file), renderMonitorWindowReport(monitor, stored));
}

export function registerMonitorCommands(monitor: Command, context: CliContext): void {
  monitor
    .command('create')
    .description('create a monitor: a deployment (or dataset) against a reference, tests, a schedule and alert rules')
    .argument('<name>', 'the monitor’s name')
    .option('--deployment <name>', 'watch this deployment’s prediction log (its servers run with --log-predictions)')
    .option('--model <name>', 'the model name the servers log under (default: the deployment’s model)')
    .option('--dataset <name>', 'watch the latest version of this dataset instead')
    .option(
      '--reference <ref>',
      'a file, a dataset version (flights@3), models:/NAME/VERSION (its training data) or training (the deployment’s)',
    )
    .option('--columns <names>', 'test only these columns (comma-separated)')
    .option('--test <name>', 'one test for every column (default: Evidently’s rule)')
    .option('--threshold <value>', 'the threshold for every column')
    .option('--column-test <column=test:threshold>', 'a test and threshold for one column (repeatable)', collect, [])
    .option('--drift-share <share>', 'the dataset drifts when at least this share of the tested columns drift', '0.5')
    .option('--schedule <cron>', 'run on this cron (5 fields, UTC unless --timezone)')
    .option('--timezone <zone>', 'the cron’s time zone (IANA name)')
    .option('--every <duration>', 'run every 10m, 1h, 1d (on multiples of it)')
    .option('--window <duration>', 'each run computes the window of this length ending at its time', '1h')
    .option('--task <task>', 'measure model quality per window from arrived labels: binary, multiclass or regression')
    .option('--prediction-column <column>', 'the predicted class or value (default prediction)')
    .option('--score-column <column>', 'binary: the positive class’s probability (ROC AUC, log loss)')
    .option('--positive-class <class>', 'binary: the positive class (default 1)')
    .option(
      '--alert <rule>',
      "an alert rule: 'drift_share>=0.5 for 10m', 'column_score[delay]<0.05 critical', 'accuracy<0.8' (repeatable)",
      collect,
      [],
    )
    .option('--webhook <url>', 'POST alert transitions here, signed (x-mlp-signature-256) with the secret shown once')
    .action((name: string, flags: CreateFlags) => createMonitor(context, name, flags));

  monitor
    .command('ls')
    .description('list the monitors')
    .action(async () => {
      const store = await openMonitorStore(await context.openWorkspace({ applicationName: 'mlp monitor ls' }));
      const monitors = await store.list();
      const latest = await Promise.all(monitors.map(async (m) => (await store.results(m.spec.name, { limit: 1 }))[0]));
      context.output(
        {
          columns: ['monitor', 'source', 'reference', 'schedule', 'last window', 'drift share', 'drift'],
          rows: monitors.map((m, i) => {
            const last = latest[i];
            const source =
              m.spec.source.kind === 'deployment' ? `deployment ${m.spec.source.deployment}` : `dataset ${m.spec.source.dataset}`;
            const schedule = m.spec.schedule
              ? 'cron' in m.spec.schedule
                ? m.spec.schedule.cron
                : `every ${m.spec.schedule.everyMs / 1000}s`
              : '–';
            return [
              m.spec.name,
              source,
              m.spec.referenceResolved ?? '–',
              schedule,
              time(last?.windowEnd),
              last ? short(last.driftShare) : '–',
              last ? (last.datasetDrift ? 'yes' : 'no') : '–',
            ];
          }),
          footer: `${monitors.length} monitor${monitors.length === 1 ? '' : 's'}`,
        },
        monitors.map((m, i) => ({ ...monitorJson(m), last_result: latest[i] ? monitorShowJson.window(latest[i]) : null })),
      );
    });

  monitor
    .command('show')
    .description('a monitor: its spec, its latest window’s drift table, and drift over time')
    .argument('<name>')
    .option('--limit <n>', 'windows of drift over time', '24')
    .option('--report <file.html>', 'write the HTML report of the latest stored window (or --window-end’s)')
    .option('--window-end <time>', 'with --report: the stored window ending at this ISO time or epoch ms')
    .action(async (name: string, flags: { limit: string; report?: string; windowEnd?: string }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new MlpError('INVALID_ARGUMENT', `--limit ${flags.limit} must be a whole number of at least 1.`);
      const store = await openMonitorStore(await context.openWorkspace({ applicationName: 'mlp monitor show' }));
      const monitor = await store.get(name);
      const over = await store.driftOverTime(name, { limit });
      const latest = (await store.results(name, { limit: 1 }))[0];
      if (flags.report) await writeWindowReport(store, monitor, flags.report, flags.windowEnd);
      const lines = [
        `${name}: ${monitor.spec.source.kind === 'deployment' ? `deployment ${monitor.spec.source.deployment}` : `dataset ${monitor.spec.source.dataset}`} against ${monitor.spec.referenceResolved ?? monitor.spec.reference.kind}`,
        `alerts: ${monitor.spec.alerts.map((rule) => `${rule.name} (${rule.metric}${rule.column ? `[${rule.column}]` : ''} ${rule.op} ${rule.threshold} for ${rule.forMs / 1000}s)`).join(', ') || 'none'}`,
      ];
      if (latest) {
        lines.push(
          `latest window ${time(latest.windowStart)} – ${time(latest.windowEnd)}: ${latest.rows} rows${latest.result.problem ? ` (${latest.result.problem})` : ''}`,
        );
        for (const column of latest.result.drift.columns)
          lines.push(
            `  ${column.column.padEnd(16)} ${(column.test ?? '–').padEnd(14)} ${short(column.score).padEnd(10)} ${column.test === null ? `not tested: ${column.problem}` : column.drifted ? 'drift' : 'ok'}`,
          );
        const quality = latest.result.quality;
        if (quality)
          lines.push(
            `model quality (${quality.task}, ${quality.labelled} of ${quality.predictions} predictions labelled): ${qualitySummary(quality)}`,
          );
      } else lines.push('no window computed yet: `mlp monitor run ' + name + '`');
      if (over.length) {
        lines.push('drift over time (window end, drift share, dataset drift):');
        for (const point of over)
          lines.push(
            `  ${time(point.windowEnd)}  ${short(point.driftShare).padEnd(6)} ${point.datasetDrift ? 'drift' : 'ok'}  ${point.rows} rows`,
          );
      }
      context.output(lines.join('\n'), monitorShowJson.show(monitor, latest, over));
    });

  monitor
    .command('run')
    .description('compute one window now (or ending at --window-end), store it and evaluate the alert rules; exits 1 on dataset drift')
    .argument('<name>')
    .option('--window-end <time>', 'the window’s end: an ISO time or epoch ms (default now)')
    .action(async (name: string, flags: { windowEnd?: string }) => {
      const windowEnd = flags.windowEnd === undefined ? undefined : parseWindowEnd(flags.windowEnd);
      const workspace = await context.openWorkspace({ applicationName: 'mlp monitor run' });
      const sources = await monitorCliSources(context);
      context.progress(`running ${name}`);
      const run = await runMonitor(workspace, name, { ...sources, ...(windowEnd !== undefined ? { windowEnd } : {}) });
      const { drift } = run.result;
      context.output(
        {
          columns: ['column', 'test', 'score', 'threshold', 'drift'],
          rows: drift.columns.map((column) => [
            column.column,
            column.test ?? '–',
            short(column.score),
            column.threshold === null ? '–' : String(column.threshold),
            column.test === null ? `not tested: ${column.problem}` : column.drifted ? 'yes' : 'no',
          ]),
          footer: [
            `${name}, window ${time(run.windowStart)} – ${time(run.windowEnd)}: ${run.result.rows} rows; ${run.result.problem ?? `${drift.datasetDrift ? 'dataset drift' : 'no dataset drift'}: ${drift.driftedColumns} of ${drift.testedColumns} tested columns drifted (${(drift.driftShare * 100).toFixed(1)}%)`}.`,
            ...run.transitions.map((t) => `alert ${t.key} ${t.kind} (${t.severity}${t.value === null ? '' : `, value ${short(t.value)}`})`),
          ].join('\n'),
        },
        monitorRunJson(run),
      );
      if (drift.datasetDrift) context.setExitCode(1);
    });

  monitor
    .command('delete')
    .description('delete a monitor with its results, alerts and reference profile')
    .argument('<name>')
    .action(async (name: string) => {
      const store = await openMonitorStore(await context.openWorkspace({ applicationName: 'mlp monitor delete' }));
      await store.delete(name);
      context.output(`Monitor ${name} deleted.`, { name, deleted: true });
    });
}
