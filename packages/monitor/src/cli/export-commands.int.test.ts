import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { dashboardsJson, prometheusRulesJson } from './json-shapes.js';
import { monitorCommands } from './monitor-commands.js';

// The commands run in-process through the real CLI; the rule file they write is checked by a real promtool.

const env = withoutMlpVariables(process.env);
let temp: TempDir;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', temp.path, ...args], { modules: [monitorCommands], cwd: temp.path, env });
}

beforeAll(async () => {
  temp = await createTempDir('mlp-monitor-export-');
});
afterAll(() => temp.remove());

describe('mlp monitor prometheus-rules', () => {
  it('writes a rule file promtool accepts, with the flags’ thresholds, and answers JSON in snake_case', async () => {
    const out = path.join(temp.path, 'mlp-rules.yml');
    const run = await mlp(
      '--json',
      'monitor',
      'prometheus-rules',
      '--out',
      out,
      '--window',
      '1m',
      '--error-ratio',
      '0.1',
      '--label',
      'team=ml',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = parseJsonOutput<ReturnType<typeof prometheusRulesJson>>(run);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json.file).toBe(out);
    expect(json.alerting_rules).toContain('MlpModelHighErrorRate');
    expect(json.recording_rules).toContain('model_version:mlp_model_request_errors:ratio_rate1m');
    const text = await readFile(out, 'utf8');
    expect(text).toContain('model_version:mlp_model_request_errors:ratio_rate1m > 0.1');
    expect(text).toContain('team: ml');
    const { stdout } = await promisify(execFile)('promtool', ['check', 'rules', out]);
    expect(stdout).toContain('SUCCESS');
  });

  it('prints the rules without --out, and rejects a bad duration or label with a clear message', async () => {
    const printed = await mlp('monitor', 'prometheus-rules');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('alert: MlpDatasetDrift');
    const badWindow = await mlp('monitor', 'prometheus-rules', '--window', '5 minutes');
    expect(badWindow.code).not.toBe(0);
    expect(badWindow.stderr).toContain('window must be a Prometheus duration');
    const badLabel = await mlp('monitor', 'prometheus-rules', '--label', 'team');
    expect(badLabel.code).not.toBe(0);
    expect(badLabel.stderr).toContain('write NAME=VALUE');
  });
});

describe('mlp monitor dashboards', () => {
  it('writes the three dashboards and the provisioning files', async () => {
    const out = path.join(temp.path, 'grafana');
    const run = await mlp('--json', 'monitor', 'dashboards', '--out', out, '--dashboards-path', '/var/lib/grafana/dashboards/mlp');
    expect(run.code).toBe(0);
    const json = parseJsonOutput<ReturnType<typeof dashboardsJson>>(run);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json.dashboards.map((board) => board.uid).sort()).toEqual(['mlp-drift', 'mlp-pipelines', 'mlp-serving']);
    const serving = JSON.parse(await readFile(path.join(out, 'dashboards', 'mlp-serving.json'), 'utf8'));
    expect(serving.title).toBe('mlp / Serving');
    expect(await readFile(path.join(out, 'provisioning', 'dashboards', 'mlp.yaml'), 'utf8')).toContain(
      'path: /var/lib/grafana/dashboards/mlp',
    );
    const missing = await mlp('monitor', 'dashboards');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('needs --out DIR');
  });
});
