import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { builtinDriftTests } from '../drift/builtin-drift-tests.js';
import { migrations } from '../generated/migrations.js';
import { openMonitorReader } from '../monitors/monitor-reader.js';
import { detectFileDrift } from '../read/file-drift.js';
import { renderDriftReport } from '../report/html-report.js';
import { registerAlerts } from './alerts-command.js';
import { resolveDriftSource } from './drift-sources.js';
import { registerDashboards, registerPrometheusRules } from './export-commands.js';
import { driftJson } from './json-shapes.js';
import { registerLabels } from './labels-command.js';
import { registerMonitorAgent } from './monitor-agent-command.js';
import { parseColumnTests, registerMonitorCommands } from './monitor-manage-commands.js';
import { openMonitorScheduling } from './monitor-scheduling-service.js';
import { registerQuality } from './quality-command.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface DriftFlags {
  reference?: string;
  current?: string;
  report?: string;
  columns?: string;
  test?: string;
  threshold?: string;
  columnTest: string[];
  driftShare?: string;
  predictionColumn: string;
  targetColumn: string;
}

function finiteNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new MlpError('INVALID_ARGUMENT', `${flag} ${value} is not a number.`);
  return number;
}

function registerDrift(monitor: Program, context: CliContext): void {
  monitor
    .command('drift')
    .description(
      'test every column of a current window for drift from a reference (Evidently’s tests and defaults); exits 1 on dataset drift',
    )
    .option(
      '--reference <ref>',
      'the reference: a data file (CSV, TSV, Parquet, JSON lines, JSON) or a dataset version such as flights@3; required',
    )
    .option('--current <ref>', 'the current window: a data file or a dataset version; required')
    .option('--report <file>', 'write a self-contained HTML report there')
    .option('--columns <names>', 'test only these columns (comma-separated)')
    .option('--test <name>', 'one test for every column: ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, or a plugin’s')
    .option('--threshold <value>', 'the threshold for every column (default: the test’s own)')
    .option(
      '--column-test <column=test:threshold>',
      'a test and threshold for one column (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--drift-share <share>', 'the dataset drifts when at least this share of the tested columns drift', '0.5')
    .option('--prediction-column <name>', 'the model’s output column, reported as the prediction drift', 'prediction')
    .option('--target-column <name>', 'the labels’ column, reported as the target drift', 'target')
    .action(async (flags: DriftFlags) => {
      if (!flags.reference || !flags.current) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          'mlp monitor drift needs --reference REF and --current CUR (data files or dataset versions such as flights@3).',
        );
      }
      const reference = await resolveDriftSource(context, flags.reference, '--reference');
      const current = await resolveDriftSource(context, flags.current, '--current');
      const threshold = finiteNumber('--threshold', flags.threshold);
      const driftShare = finiteNumber('--drift-share', flags.driftShare) ?? 0.5;
      if (driftShare < 0 || driftShare > 1)
        throw new MlpError('INVALID_ARGUMENT', `--drift-share ${flags.driftShare} must lie between 0 and 1.`);
      const perColumn = parseColumnTests(flags.columnTest);
      // Plugin tests come from the modules mlp.config.json lists: the workspace is opened only for them.
      const named = [flags.test, ...Object.values(perColumn).map((settings) => settings.test)].filter((name): name is string =>
        Boolean(name),
      );
      const needsPlugins = named.some((name) => !builtinDriftTests.some((test) => test.name === name));
      const workspace = needsPlugins ? await context.openWorkspace({ applicationName: 'mlp monitor drift' }) : undefined;
      const {
        result,
        reference: refData,
        current: curData,
      } = await detectFileDrift(reference, current, {
        driftShare,
        perColumn,
        predictionColumn: flags.predictionColumn,
        targetColumn: flags.targetColumn,
        ...(flags.columns
          ? {
              columns: flags.columns
                .split(',')
                .map((name) => name.trim())
                .filter(Boolean),
            }
          : {}),
        ...(flags.test ? { test: flags.test } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        ...(workspace ? { plugins: workspace.plugins } : {}),
        onProgress: (event) => context.progress(event.message),
      });
      if (flags.report) {
        const html = renderDriftReport({
          result,
          reference: refData.columns,
          current: curData.columns,
          referenceName: flags.reference,
          currentName: flags.current,
        });
        await writeFileAtomic(path.resolve(flags.report), html);
      }
      const verdict = result.datasetDrift ? 'Dataset drift' : 'No dataset drift';
      context.output(
        {
          columns: ['column', 'test', 'score', 'threshold', 'drift'],
          rows: result.columns.map((column) => [
            column.column,
            column.test ?? '–',
            column.score === null ? '–' : Number(column.score.toPrecision(4)).toString(),
            column.threshold === null ? '–' : String(column.threshold),
            column.test === null ? `not tested: ${column.problem}` : column.drifted ? 'yes' : 'no',
          ]),
          footer: `${verdict}: ${result.driftedColumns} of ${result.testedColumns} tested columns drifted (${(result.driftShare * 100).toFixed(1)}%).${flags.report ? ` Report: ${flags.report}` : ''}`,
        },
        driftJson(result, { reference: flags.reference, current: flags.current, report: flags.report }),
      );
      if (result.datasetDrift) context.setExitCode(1);
    });
}

/** The monitor commands of `mlp`: `monitor drift --reference REF --current CUR [--report FILE.html]`. */
export const monitorCommands: CliCommandModule = {
  name: 'monitor',
  migrations: [migrations],
  // `mlp server`'s web UI lists alerts and charts drift over time through monitorAlerts.
  // `mlp server` runs scheduled monitors and serves their gauges through monitorScheduling.
  services: {
    monitorAlerts: async (context) => openMonitorReader(await context.openWorkspace()),
    monitorScheduling: openMonitorScheduling,
  },
  register(program, context) {
    const monitor = program.command('monitor').description('data drift between a reference and a current window');
    registerDrift(monitor, context);
    registerLabels(monitor, context);
    registerQuality(monitor, context);
    registerPrometheusRules(monitor, context);
    registerDashboards(monitor, context);
    registerAlerts(monitor, context);
    registerMonitorCommands(monitor, context);
    registerMonitorAgent(monitor, context);
  },
};
