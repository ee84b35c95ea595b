import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, monitorAlertJson } from '@mlp/core';
import { openAlertStore } from '../alerts/alert-store.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

const time = (ms: number | null) => (ms === null ? '–' : new Date(ms).toISOString());

export function registerAlerts(monitor: Command, context: CliContext): void {
  monitor
    .command('alerts')
    .description('list monitor alerts, newest first: pending, firing and resolved')
    .option('--monitor <name>', 'only this monitor’s alerts')
    .option('--open', 'only pending and firing alerts')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (flags: { monitor?: string; open?: boolean; limit: string }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new MlpError('INVALID_ARGUMENT', `--limit ${flags.limit} must be a whole number of at least 1.`);
      const workspace = await context.openWorkspace({ applicationName: 'mlp monitor alerts' });
      const store = await openAlertStore(workspace);
      const alerts = await store.list({ ...(flags.monitor ? { monitor: flags.monitor } : {}), open: flags.open === true, limit });
      context.output(
        {
          columns: ['monitor', 'alert', 'severity', 'state', 'value', 'active since', 'resolved'],
          rows: alerts.map((alert) => [
            alert.monitor,
            alert.key,
            alert.severity,
            alert.state,
            alert.value === null ? '–' : Number(alert.value.toPrecision(4)).toString(),
            time(alert.activeSince),
            time(alert.resolvedAt),
          ]),
          footer: `${alerts.length} alert${alerts.length === 1 ? '' : 's'}`,
        },
        alerts.map(monitorAlertJson),
      );
    });
}
