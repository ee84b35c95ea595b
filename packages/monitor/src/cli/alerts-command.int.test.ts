import { jsonConventionViolations, parseJsonOutput, workspaceCli } from '@mlp/cli';
import { type monitorAlertJson, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertRules } from '../alerts/alert-rules.js';
import { openAlertStore } from '../alerts/alert-store.js';
import { monitorCommands } from './monitor-commands.js';

// Alerts written through the store on a real PostgreSQL, listed by the real CLI on the same database.

let temp: TempDir;
let database: TestDatabase;
let workspace: Workspace;
const minute = 60_000;

beforeAll(async () => {
  temp = await createTempDir('mlp-monitor-alerts-cli-');
  database = await createTestDatabase();
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn', database: { url: database.url } });
  const store = await openAlertStore(workspace);
  const rules = parseAlertRules([{ name: 'errors', metric: 'error_rate', op: '>', threshold: 0.05, severity: 'critical' }]);
  await store.evaluate('flights', rules, [{ metric: 'error_rate', value: 0.2 }], 0);
  await store.evaluate('flights', rules, [], minute);
  await store.evaluate('flights', rules, [{ metric: 'error_rate', value: 0.3 }], 2 * minute);
});
afterAll(async () => {
  await workspace?.close();
  await database?.drop();
  await temp?.remove();
});

const mlp = (...args: string[]) => workspaceCli({ dir: temp.path, databaseUrl: database.url, modules: [monitorCommands] })(...args);

describe('mlp monitor alerts', () => {
  it('lists alerts newest first in snake_case JSON with epoch-ms times, and only open ones with --open', async () => {
    const run = await mlp('--json', 'monitor', 'alerts');
    expect(run.code).toBe(0);
    const all = parseJsonOutput<ReturnType<typeof monitorAlertJson>[]>(run);
    expect(jsonConventionViolations(all)).toEqual([]);
    expect(all.map((alert) => [alert.state, alert.active_since, alert.resolved_at])).toEqual([
      ['firing', 2 * minute, null],
      ['resolved', 0, minute],
    ]);
    const open = parseJsonOutput<ReturnType<typeof monitorAlertJson>[]>(await mlp('--json', 'monitor', 'alerts', '--open'));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ monitor: 'flights', rule: 'errors', severity: 'critical', value: 0.3 });
    const human = await mlp('monitor', 'alerts', '--monitor', 'flights');
    expect(human.stdout).toContain('2 alerts');
    const bad = await mlp('monitor', 'alerts', '--limit', '0');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--limit 0 must be a whole number');
  });
});
