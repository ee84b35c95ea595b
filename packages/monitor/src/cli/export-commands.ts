import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { writeGrafanaDashboards } from '../grafana/write-dashboards.js';
import { prometheusRules, prometheusRulesOptionsSchema, renderPrometheusRules } from '../prometheus/prometheus-rules.js';
import { dashboardsJson, prometheusRulesJson } from './json-shapes.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

interface RulesFlags {
  out?: string;
  window?: string;
  for?: string;
  evaluationInterval?: string;
  errorStatus?: string;
  errorRatio?: string;
  latencyP95?: string;
  staleAfter?: string;
  label: string[];
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new MlpError('INVALID_ARGUMENT', `${flag} ${value} is not a number.`);
  return parsed;
}

function rulesOptions(flags: RulesFlags) {
  const labels: Record<string, string> = {};
  for (const label of flags.label) {
    const match = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(label);
    if (!match) throw new MlpError('INVALID_ARGUMENT', `--label ${label}: write NAME=VALUE (for example team=ml).`);
    labels[match[1] as string] = match[2] as string;
  }
  const parsed = prometheusRulesOptionsSchema.safeParse({
    ...(flags.window ? { window: flags.window } : {}),
    ...(flags.for ? { for: flags.for } : {}),
    ...(flags.evaluationInterval ? { evaluationInterval: flags.evaluationInterval } : {}),
    ...(flags.errorStatus ? { errorStatus: flags.errorStatus } : {}),
    ...(flags.errorRatio ? { errorRatio: number('--error-ratio', flags.errorRatio) } : {}),
    ...(flags.latencyP95 ? { latencyP95Seconds: number('--latency-p95', flags.latencyP95) } : {}),
    ...(flags.staleAfter ? { staleAfter: flags.staleAfter } : {}),
    labels,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlpError(
      'INVALID_ARGUMENT',
      `mlp monitor prometheus-rules: ${issue?.path.join('.') ?? 'an option'} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  return parsed.data;
}

export function registerPrometheusRules(monitor: Command, context: CliContext): void {
  monitor
    .command('prometheus-rules')
    .description(
      'write mlp’s Prometheus alerting and recording rules (serving errors and latency, drift, stale monitors, failed pipelines)',
    )
    .option('--out <file>', 'write the rule file there (default: print it)')
    .option('--window <duration>', 'the rate() range of the recording rules', '5m')
    .option('--for <duration>', 'how long a condition holds before an alert fires', '5m')
    .option('--evaluation-interval <duration>', 'the groups’ evaluation interval (default: Prometheus’s global one)')
    .option('--error-status <regex>', 'HTTP statuses counted as errors', '5..')
    .option('--error-ratio <ratio>', 'the error ratio that fires MlpModelHighErrorRate', '0.05')
    .option('--latency-p95 <seconds>', 'the p95 latency that fires MlpModelHighLatency', '0.5')
    .option('--stale-after <duration>', 'a monitor without a window for this long is stale', '2h')
    .option('--label <name=value>', 'a label on every alert (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .action(async (flags: RulesFlags) => {
      const options = rulesOptions(flags);
      const text = renderPrometheusRules(options);
      const out = flags.out ? path.resolve(flags.out) : undefined;
      if (out) await writeFileAtomic(out, text);
      const json = prometheusRulesJson(prometheusRules(options), out);
      const count = json.alerting_rules.length + json.recording_rules.length;
      context.output(out ? `Wrote ${count} rules (${json.alerting_rules.length} alerting) to ${out}` : text.trimEnd(), json);
    });
}

export function registerDashboards(monitor: Command, context: CliContext): void {
  monitor
    .command('dashboards')
    .description('write mlp’s Grafana dashboards (serving, drift, pipelines) and provisioning files into a folder')
    .option('--out <dir>', 'the folder to write; required')
    .option('--dashboards-path <path>', 'where Grafana will read the dashboards (default: OUT/dashboards)')
    .option('--prometheus-url <url>', 'the provisioned Prometheus data source', 'http://localhost:9090')
    .action(async (flags: { out?: string; dashboardsPath?: string; prometheusUrl?: string }) => {
      if (!flags.out) throw new MlpError('INVALID_ARGUMENT', 'mlp monitor dashboards needs --out DIR (the folder to write).');
      const out = path.resolve(flags.out);
      const written = await writeGrafanaDashboards(out, {
        ...(flags.dashboardsPath ? { dashboardsPath: flags.dashboardsPath } : {}),
        ...(flags.prometheusUrl ? { prometheusUrl: flags.prometheusUrl } : {}),
      });
      context.output(
        {
          columns: ['file', 'title'],
          rows: [
            ...written.dashboards.map((board) => [board.file, board.title]),
            ...written.provisioning.map((file) => [file, 'provisioning']),
          ],
          footer: `Wrote ${written.dashboards.length} dashboards and Grafana provisioning to ${out}`,
        },
        dashboardsJson(out, written.dashboards, written.provisioning),
      );
    });
}
