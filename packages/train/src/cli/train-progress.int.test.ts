import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CapturedRun, parseJsonOutput, runCli, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { exitCodeFor } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from '../test-support/train-fixture.js';
import { trainCommands } from './train-commands.js';

// `mlp train`'s progress as a pipe and a script see it: the CLI runs in-process with stderr captured
// (not a terminal), against a workspace on a fresh PostgreSQL database.

let fx: TrainFixture;
let env: Record<string, string | undefined>;
let specFile: string;

function mlp(args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', fx.dir, ...args], { modules: [trainCommands], cwd: fx.dir, env });
}

beforeAll(async () => {
  fx = await openTrainFixture();
  env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url };
  await writeFlightsLikeCsv(path.join(fx.dir, 'flights.csv'), 1200);
  specFile = path.join(fx.dir, 'spec.yaml');
  await writeFile(
    specFile,
    [
      'experiment: progress-int',
      'data: flights.csv',
      'target: late',
      'features: [distance, { name: origin, type: categorical }]',
      'model: { type: mlp, hiddenUnits: [4] }',
      'epochs: 2',
      'batchSize: 256',
      'backend: cpu',
      'search:',
      '  sampler: random',
      '  trials: 3',
      '  parallel: 1',
      '  space:',
      '    optimizer.learningRate: { type: float, low: 0.001, high: 0.03, log: true }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('mlp train progress', () => {
  it('in a pipe prints the resume hint and one plain line per trial with its metrics, no escape codes', async () => {
    const run = await mlp(['train', specFile]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^search ([0-9a-f]{32}): 3 trials \(random, val_auc\); if interrupted, resume with: mlp -C \S+ train \S+spec\.yaml --resume \1$/,
    );
    expect(lines.slice(1)).toHaveLength(3);
    lines.slice(1).forEach((line, index) => {
      expect(line).toMatch(new RegExp(`^✓ trial ${index} FINISHED val_auc=0\\.\\d{4} .*\\(\\d+s\\) run [0-9a-f]{32}$`));
    });
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).not.toContain('learningRate'); // parameters are in the result, not the progress
    expect(run.stdout).toContain('best run');
  });

  it('under --json prints only the JSON result', async () => {
    const run = await mlp(['train', specFile, '--trials', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(parseJsonOutput<{ trials: unknown[] }>(run).trials).toHaveLength(1);
  });

  it('on Ctrl-C prints the search and the resume command, stops, and the search resumes from there', async () => {
    let stderr = '';
    let interrupted = false;
    const listeners = process.listeners('SIGINT');
    const code = await runCli(['-C', fx.dir, 'train', specFile], {
      modules: [trainCommands],
      io: {
        stdout: { write: () => true },
        stderr: {
          write(chunk: string) {
            stderr += chunk;
            // Interrupt once the first trial has ended, as a user pressing Ctrl-C then would.
            if (!interrupted && stderr.includes('✓ trial 0')) {
              interrupted = true;
              process.emit('SIGINT');
            }
            return true;
          },
        },
        env,
        cwd: fx.dir,
      },
    });
    expect(interrupted, stderr).toBe(true);
    expect(code, stderr).toBe(exitCodeFor('UNAVAILABLE'));
    const parentRunId = /^search ([0-9a-f]{32})/.exec(stderr)?.[1] ?? '';
    expect(stderr).toContain(`interrupted: search ${parentRunId} stops now`);
    expect(stderr).toMatch(new RegExp(`Resume with: mlp -C \\S+ train \\S+spec\\.yaml --resume ${parentRunId}\\n`));
    expect(process.listeners('SIGINT')).toEqual(listeners); // the command's handler is gone with the command

    const resumed = await mlp(['train', specFile, '--resume', parentRunId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const json = parseJsonOutput<{ parent_run_id: string; trials: { index: number; status: string }[] }>(resumed);
    expect(json.parent_run_id).toBe(parentRunId);
    expect(json.trials.map((trial) => [trial.index, trial.status])).toEqual([
      [0, 'FINISHED'],
      [1, 'FINISHED'],
      [2, 'FINISHED'],
    ]);
  });
});
