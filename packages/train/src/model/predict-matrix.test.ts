import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { tf } from '../backend/tf.js';
import { buildModel } from './build-model.js';
import { predictMatrix } from './predict-matrix.js';

const WIDTH = 3;
const x = Float32Array.from({ length: 10 * WIDTH }, (_, i) => Math.sin(i * 1.7) * 2);

describe('predictMatrix', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('binary: one P(positive) per row, the same in any chunk size', () => {
    const model = buildModel(
      { type: 'mlp', hiddenUnits: [4], activation: 'tanh', dropout: 0.5, l2: 0 },
      { inputWidth: WIDTH, task: 'binary', classes: 2, seed: 2 },
    );
    const whole = predictMatrix(model, x, 10, WIDTH);
    expect(whole).toHaveLength(10);
    for (const p of whole) expect(p > 0 && p < 1).toBe(true);
    expect(predictMatrix(model, x, 10, WIDTH, 3)).toEqual(whole);
    // Dropout is off at inference: the scores are what the layers compute.
    const direct = tf.tidy(() => Array.from((model.predict(tf.tensor2d(x, [10, WIDTH])) as tf.Tensor).dataSync()));
    expect(Array.from(whole)).toEqual(direct);
    expect(predictMatrix(model, new Float32Array(0), 0, WIDTH)).toHaveLength(0);
    model.dispose();
  });

  it('multiclass: rows × k probabilities, row-major, each row summing to 1', () => {
    const model = buildModel({ type: 'logistic', l2: 0 }, { inputWidth: WIDTH, task: 'multiclass', classes: 3, seed: 2 });
    const scores = predictMatrix(model, x, 10, WIDTH, 4);
    expect(scores).toHaveLength(30);
    for (let row = 0; row < 10; row += 1) expect(scores[row * 3]! + scores[row * 3 + 1]! + scores[row * 3 + 2]!).toBeCloseTo(1, 5);
    const single = predictMatrix(model, x.subarray(WIDTH * 7, WIDTH * 8), 1, WIDTH);
    expect(Array.from(single)).toEqual(Array.from(scores.subarray(21, 24)));
    model.dispose();
  });

  it('regression: the value, unbounded', () => {
    const model = buildModel({ type: 'linear', l2: 0 }, { inputWidth: WIDTH, task: 'regression', classes: 1, seed: 2 });
    model.setWeights([tf.tensor2d([10, 0, 0], [3, 1]), tf.tensor1d([5])]);
    expect(Array.from(predictMatrix(model, x, 10, WIDTH)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual(
      Array.from({ length: 10 }, (_, row) => Math.round((10 * x[row * WIDTH]! + 5) * 1e4) / 1e4),
    );
    model.dispose();
  });

  it('refuses a matrix of the wrong size or width', () => {
    const model = buildModel({ type: 'linear', l2: 0 }, { inputWidth: WIDTH, task: 'regression', classes: 1, seed: 2 });
    expect(() => predictMatrix(model, x, 9, WIDTH)).toThrow(/rows × width/);
    expect(() => predictMatrix(model, x, 15, 2)).toThrow(/takes 3 input columns/);
    model.dispose();
  });
});
