import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from '../test-support/train-fixture.js';
import { trainCommands } from './train-commands.js';

// A trainer plugin listed in mlp.config.json reaches `mlp train` through workspace.plugins, as it
// reaches every other command and `mlp server`: no code passes it.

let fx: TrainFixture;
beforeAll(async () => {
  fx = await openTrainFixture();
  await writeFlightsLikeCsv(path.join(fx.dir, 'flights.csv'), 400);
  // A trainer that predicts the share of late flights: plain JavaScript, as a plugin module is.
  await writeFile(
    path.join(fx.dir, 'base-rate.mjs'),
    `import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
const scorer = (rate) => ({ predict: (_x, rows) => new Float32Array(rows).fill(rate) });
export function register(plugins) {
  plugins.register('trainer', {
    name: 'base-rate',
    create() {
      let rate = 0.5;
      return {
        async fit(data, options) {
          let late = 0;
          for (let row = 0; row < data.rows; row += 1) late += data.y[row];
          rate = late / Math.max(1, data.rows);
          await options.onEpoch?.(1, { loss: 0 });
          return { epochs: 1, bestEpoch: 1, stoppedBy: 'epochs', history: [{ epoch: 1, loss: 0 }], samplesPerSecond: data.rows, seconds: 1 };
        },
        predict: (x, rows, width) => scorer(rate).predict(x, rows, width),
        save: (dir) => writeFile(path.join(dir, 'rate.json'), JSON.stringify(rate)),
        dispose() {},
      };
    },
    async load(dir) {
      return scorer(JSON.parse(await readFile(path.join(dir, 'rate.json'), 'utf8')));
    },
  });
}
`,
  );
  await writeFile(path.join(fx.dir, 'mlp.config.json'), JSON.stringify({ plugins: ['./base-rate.mjs'] }));
  await writeFile(
    path.join(fx.dir, 'spec.yaml'),
    [
      'experiment: plugins-int',
      'data: flights.csv',
      'target: late',
      'features: [distance]',
      "model: { type: 'plugin:base-rate' }",
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await fx?.cleanup();
});

it('mlp train trains with a trainer plugin the workspace configuration lists', async () => {
  const env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url };
  const run = await runCliCaptured(['-C', fx.dir, 'train', 'spec.yaml', '--json'], { modules: [trainCommands], cwd: fx.dir, env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const result = parseJsonOutput<{ best_run_id: string }>(run);
  expect((await fx.tracking.getRun(result.best_run_id)).tags['mlp.train.backend']).toBe('plugin:base-rate');
});
