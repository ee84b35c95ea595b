import { describe, expect, it } from 'vitest';
import { missingLines, normalizeLine, tutorialSteps } from './tutorial-blocks.js';

describe('tutorialSteps', () => {
  it('reads the marked sh blocks, their options and the output block right after each', () => {
    const markdown = [
      '```sh',
      'npm ci',
      '```',
      '',
      '```sh tutorial',
      'npx mlp init',
      '```',
      '',
      '```',
      'Initialised',
      '```',
      '',
      '```sh tutorial background=agent',
      'npx mlp deploy agent',
      '```',
      'Then:',
      '',
      '```',
      'not its output: text stands between',
      '```',
      '',
      '```sh tutorial until stop=agent',
      'npx mlp deploy history x',
      '```',
      '',
      '```ts',
      'code, not output',
      '```',
    ].join('\n');
    expect(tutorialSteps(markdown)).toEqual([
      { line: 5, code: 'npx mlp init\n', until: false, expected: 'Initialised\n' },
      { line: 13, code: 'npx mlp deploy agent\n', background: 'agent', until: false },
      { line: 22, code: 'npx mlp deploy history x\n', stop: 'agent', until: true },
    ]);
  });
});

describe('missingLines', () => {
  it('compares shapes: ids, times, numbers, durations, paths and ports may differ', () => {
    const expected = [
      'flights-raw@1        901eadf99ceb  12.9 MiB  3,000,000  2026-12-03 15:10  root  /work/main/data/flights-3m.parquet',
      '4bea4a88b2ef44e1947a9cf66a8a49a1  trial-3       FINISHED  2026-12-03T15:11:38Z  40.6s     0.625903',
      '15:12:27 ✓ train succeeded 87620 ms',
      '65410fdf5890478bb303379a8a9558bb  promote  FINISHED  2026-12-03T15:12:33Z  1.0s  -',
      '...',
      'Database: embedded (127.0.0.1:40325, /tmp/tut/flights-ws/.mlp/db)',
    ].join('\n');
    const output = [
      'Database: embedded (127.0.0.1:38111, /tmp/mlp-tutorial-x/flights-ws/.mlp/db)',
      '09:01:02 ✓ train succeeded 120001 ms',
      'b6f432006a7641608994f22dadc7009e  promote  FINISHED  2026-12-03T18:07:21Z  66ms  -',
      'ffe0a1b2c3d4e5f60718293a4b5c6d7e  trial-0  KILLED  2027-01-01T00:00:00Z  1m 2s  0.7',
      'flights-raw@12  0123456789ab  13 MiB  2,999,999  2027-01-01 09:00  root  /home/x/flights-3m.parquet',
    ].join('\n');
    expect(missingLines(expected, output)).toEqual([]);
  });

  it('reports the lines whose shape is missing: other words, statuses or columns', () => {
    const expected = 'alert drift fired (critical, value 1)\nflights-delay  b721181328df4868ab6ee864296230b5  running  event\nexit 1';
    const output = 'alert drift fired (warning, value 1)\nflights-delay  b721181328df4868ab6ee864296230b5  failed  event\nexit 1';
    expect(missingLines(expected, output)).toEqual([
      'alert drift fired (critical, value 1)',
      'flights-delay  b721181328df4868ab6ee864296230b5  running  event',
    ]);
    expect(normalizeLine('  a   b  ')).toBe('a b');
  });
});
