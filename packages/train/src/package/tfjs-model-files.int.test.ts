import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { buildModel } from '../model/build-model.js';
import { fitModel } from '../model/fit-model.js';
import { predictMatrix } from '../model/predict-matrix.js';
import { loadTfjsModel, saveTfjsModel } from './tfjs-model-files.js';

let root: string;
beforeAll(async () => {
  await selectBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'mlp-tfjs-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const WIDTH = 5;
const x = Float32Array.from({ length: 40 * WIDTH }, (_, i) => Math.cos(i * 0.37) * 3);

describe('saveTfjsModel / loadTfjsModel', () => {
  it('round-trips a trained model in the standard LayersModel format, with identical predictions', async () => {
    const model = buildModel(
      { type: 'mlp', hiddenUnits: [8, 4], activation: 'gelu', dropout: 0.2, l2: 0.01 },
      { inputWidth: WIDTH, task: 'multiclass', classes: 3, seed: 9 },
    );
    const y = Float32Array.from({ length: 40 }, (_, i) => i % 3);
    await fitModel(
      model,
      { x, y, rows: 40, width: WIDTH },
      {
        task: 'multiclass',
        classes: 3,
        epochs: 2,
        batchSize: 8,
        optimizer: { name: 'rmsprop', learningRate: 0.01 },
        earlyStopping: false,
        seed: 1,
      },
    );
    const dir = path.join(root, 'nested', 'model');
    await saveTfjsModel(model, dir);

    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const names = json.weightsManifest[0].weights.map((weight: { name: string }) => weight.name);
    expect(names).toEqual(['hidden_1/kernel', 'hidden_1/bias', 'hidden_2/kernel', 'hidden_2/bias', 'output/kernel', 'output/bias']);
    const floats = (8 * WIDTH + 8 + 4 * 8 + 4 + 3 * 4 + 3) * 4;
    expect((await readFile(path.join(dir, 'weights.bin'))).byteLength).toBe(floats);

    const loaded = await loadTfjsModel(dir);
    expect(predictMatrix(loaded, x, 40, WIDTH)).toEqual(predictMatrix(model, x, 40, WIDTH));
    expect(loaded.layers.map((layer) => layer.getClassName())).toEqual(model.layers.map((layer) => layer.getClassName()));
    loaded.dispose();
    model.dispose();
  });

  it('overwrites an existing model in place', async () => {
    const dir = path.join(root, 'again');
    const first = buildModel({ type: 'linear', l2: 0 }, { inputWidth: WIDTH, task: 'regression', classes: 1, seed: 1 });
    const second = buildModel({ type: 'linear', l2: 0 }, { inputWidth: WIDTH, task: 'regression', classes: 1, seed: 2 });
    await saveTfjsModel(first, dir);
    await saveTfjsModel(second, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadTfjsModel(dir);
    expect(predictMatrix(loaded, x, 40, WIDTH)).toEqual(predictMatrix(second, x, 40, WIDTH));
    expect(predictMatrix(loaded, x, 40, WIDTH)).not.toEqual(predictMatrix(first, x, 40, WIDTH));
    for (const model of [first, second, loaded]) model.dispose();
  });

  it('reports a missing or damaged model', async () => {
    await expect(loadTfjsModel(path.join(root, 'absent'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const damaged = path.join(root, 'damaged');
    const model = buildModel({ type: 'logistic', l2: 0 }, { inputWidth: WIDTH, task: 'binary', classes: 2, seed: 1 });
    await saveTfjsModel(model, damaged);
    model.dispose();
    await rm(path.join(damaged, 'weights.bin'));
    await expect(loadTfjsModel(damaged)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('weights.bin') });
    await writeFile(path.join(damaged, 'model.json'), '{"modelTopology": ');
    await expect(loadTfjsModel(damaged)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('does not follow a weights path out of the model folder', async () => {
    const dir = path.join(root, 'escape');
    const model = buildModel({ type: 'logistic', l2: 0 }, { inputWidth: WIDTH, task: 'binary', classes: 2, seed: 1 });
    await saveTfjsModel(model, dir);
    model.dispose();
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../again/weights.bin'];
    await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadTfjsModel(dir)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('outside the model folder'),
    });
  });
});
