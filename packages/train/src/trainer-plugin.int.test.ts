import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPluginRegistry } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainerPlugin } from './model/learner.js';
import { loadModel } from './package/load-model.js';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from './test-support/train-fixture.js';
import { train } from './train.js';

let fx: TrainFixture;
let csv: string;
beforeAll(async () => {
  fx = await openTrainFixture();
  csv = path.join(fx.dir, 'flights.csv');
  await writeFlightsLikeCsv(csv, 1500);
});
afterAll(async () => {
  await fx?.cleanup();
});

/** P(late) from the distances to the two class centroids. */
function scoreWith(means: number[][], x: Float32Array, rows: number, width: number): Float32Array {
  const out = new Float32Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const [d0, d1] = means.map((mean) => mean.reduce((sum, value, j) => sum + (value - (x[row * width + j] as number)) ** 2, 0)) as [
      number,
      number,
    ];
    out[row] = 1 / (1 + Math.exp(d1 - d0));
  }
  return out;
}

/** A nearest-centroid classifier: small enough to read, real enough to learn the fixture's signal. */
const centroids: TrainerPlugin = {
  name: 'centroids',
  create(_model, shape) {
    let means: number[][] = [];
    return {
      async fit(data, options) {
        means = [0, 1].map((label) => {
          const sums = new Array<number>(shape.inputWidth).fill(0);
          let count = 0;
          for (let row = 0; row < data.rows; row += 1) {
            if (data.y[row] !== label) continue;
            count += 1;
            for (let j = 0; j < data.width; j += 1) sums[j] = (sums[j] as number) + (data.x[row * data.width + j] as number);
          }
          return sums.map((sum) => sum / Math.max(1, count));
        });
        await options.onEpoch?.(1, { loss: 0 });
        return { epochs: 1, bestEpoch: 1, stoppedBy: 'epochs', history: [{ epoch: 1, loss: 0 }], samplesPerSecond: data.rows, seconds: 1 };
      },
      predict: (x, rows, width) => scoreWith(means, x, rows, width),
      save: (dir) => writeFile(path.join(dir, 'centroids.json'), JSON.stringify(means)),
      dispose() {},
    };
  },
  async load(dir) {
    const means = JSON.parse(await readFile(path.join(dir, 'centroids.json'), 'utf8')) as number[][];
    return { predict: (x, rows, width) => scoreWith(means, x, rows, width) };
  },
};

describe('a trainer plugin', () => {
  it('trains through the same split, preprocessing, tracking and package, and serves through the plugin', async () => {
    const plugins = createPluginRegistry().register('trainer', centroids);
    const spec = {
      experiment: 'plugin',
      data: csv,
      target: 'late',
      features: ['distance', { name: 'origin', type: 'categorical' as const }],
      model: { type: 'plugin:centroids' },
    };
    const result = await train(spec, { tracking: fx.tracking, plugins, outDir: path.join(fx.dir, 'out') });
    expect(result.bestMetrics.test_auc).toBeGreaterThan(0.6);
    expect((await fx.tracking.getRun(result.bestRunId)).tags['mlp.train.backend']).toBe('plugin:centroids');
    const packageDir = result.packageDir as string;
    expect(await readdir(path.join(packageDir, 'trainer'))).toEqual(['centroids.json']);
    const model = await loadModel(packageDir, { plugins });
    try {
      expect(model.manifest.trainer).toBe('centroids');
      expect((await model.verify()).maxAbsDifference).toBeLessThan(1e-6);
    } finally {
      await model.close();
    }
    await expect(loadModel(packageDir)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(train(spec, { tracking: fx.tracking, outDir: path.join(fx.dir, 'out') })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
  });
});
