import type { CliCommandModule, CliContext } from '@mlp/cli';
import { parseDurationMs } from '../monitors/monitor-spec.js';
import { startMonitoring } from '../monitors/start-monitoring.js';
import { monitorRunJson } from './json-shapes.js';
import { monitorCliSources } from './monitor-cli-sources.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `mlp monitor agent`: runs scheduled monitors and sends their alert webhooks until SIGINT or SIGTERM. */
export function registerMonitorAgent(monitor: Command, context: CliContext): void {
  monitor
    .command('agent')
    .description('run monitors on their schedules and send alert webhooks, until stopped (each tick runs once across agents and servers)')
    .option('--poll-interval <duration>', 'how often schedules are checked', '5s')
    .action(async (flags: { pollInterval: string }) => {
      const pollIntervalMs = parseDurationMs(flags.pollInterval, '--poll-interval');
      const workspace = await context.openWorkspace({ applicationName: 'mlp monitor agent' });
      const sources = await monitorCliSources(context);
      const runs: ReturnType<typeof monitorRunJson>[] = [];
      const startedAt = Date.now();
      const monitoring = await startMonitoring(workspace, {
        sources,
        pollIntervalMs,
        onRun: (run) => {
          runs.push(monitorRunJson(run));
          context.logger.info(
            { monitor: run.monitor, window_end: run.windowEnd, drift_share: run.result.drift.driftShare, alerts: run.transitions.length },
            'monitor window computed',
          );
        },
        onError: (name, tick, error) =>
          context.logger.error({ monitor: name, tick, error: (error as Error).message }, 'monitor run failed'),
      });
      context.logger.info('mlp monitor agent running');
      const signal = await untilSignal();
      await monitoring.close();
      context.output(`mlp monitor agent stopped (${signal}) after ${runs.length} run${runs.length === 1 ? '' : 's'}.`, {
        started_at: startedAt,
        stopped_at: Date.now(),
        runs,
      });
    });
}
