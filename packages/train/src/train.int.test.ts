import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadModel } from './package/load-model.js';
import { packModel } from './package/model-archive.js';
import type { TrainSpecInput } from './spec/train-spec.js';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from './test-support/train-fixture.js';
import { train } from './train.js';

let fx: TrainFixture;
let csv: string;
beforeAll(async () => {
  fx = await openTrainFixture();
  csv = path.join(fx.dir, 'flights.csv');
  await writeFlightsLikeCsv(csv, 3000);
});
afterAll(async () => {
  await fx?.cleanup();
});

const baseSpec = (): TrainSpecInput => ({
  experiment: 'train-int',
  data: csv,
  target: 'late',
  features: [{ name: 'date', type: 'date', parts: ['hour', 'month'] }, 'distance', { name: 'origin', type: 'categorical' }],
  model: { type: 'mlp', hiddenUnits: [16, 8] },
  optimizer: { name: 'adam', learningRate: 0.01 },
  epochs: 6,
  batchSize: 128,
  backend: 'cpu',
  seed: 3,
  tags: { team: 'growth' },
});

describe('train: one tracked run', () => {
  it('trains, evaluates and tracks everything: params, per-epoch and test metrics, curves, the package', async () => {
    const result = await train(baseSpec(), { tracking: fx.tracking, outDir: path.join(fx.dir, 'out') });
    const run = await fx.tracking.getRun(result.bestRunId);
    expect(run.status).toBe('FINISHED');
    expect(run.params).toMatchObject({
      'model.type': 'mlp',
      'model.hiddenUnits': '[16,8]',
      'optimizer.learningRate': '0.01',
      target: 'late',
    });
    expect(run.tags['mlp.train.backend']).toBe('cpu');
    expect(run.tags.team).toBe('growth');
    // The problem is learnable: the held-out AUC is far above chance.
    expect(result.bestMetrics.test_auc).toBeGreaterThan(0.85);
    for (const key of ['val_loss', 'val_auc', 'val_f1', 'test_accuracy', 'test_f1', 'samples_per_second', 'training_time_s'])
      expect(run.metrics[key]?.value, key).toBeTypeOf('number');
    const history = await fx.tracking.metricHistory(result.bestRunId, 'val_auc');
    expect(history.map((point) => point.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const evaluation = (await fx.tracking.listArtifacts(result.bestRunId, 'evaluation')).map((file) => file.path);
    expect(evaluation).toEqual(
      expect.arrayContaining(['evaluation/confusion_matrix.json', 'evaluation/roc_curve.json', 'evaluation/precision_recall_curve.json']),
    );
    const modelFiles = (await fx.tracking.listArtifacts(result.bestRunId, 'model')).map((file) => file.path);
    expect(modelFiles).toEqual(expect.arrayContaining(['model/mlp-model.json', 'model/model.onnx', 'model/preprocessing.json']));
    const packaged = JSON.parse(await readFile(path.join(result.packageDir as string, 'metrics.json'), 'utf8'));
    expect(packaged.test_auc).toBeCloseTo(result.bestMetrics.test_auc as number, 10);
  });

  it('the package predicts what the evaluation computed, through tfjs, through ONNX and from its archive', async () => {
    const result = await train({ ...baseSpec(), epochs: 3 }, { tracking: fx.tracking, outDir: path.join(fx.dir, 'out') });
    const example = JSON.parse(await readFile(path.join(result.packageDir as string, 'verify_example.json'), 'utf8'));
    expect(example.records).toHaveLength(20);

    const tfjs = await loadModel(result.packageDir as string);
    const onnx = await loadModel(result.packageDir as string, { runtime: 'onnx' });
    const archive = path.join(fx.dir, 'model.mlpkg.tgz');
    await packModel(result.packageDir as string, archive);
    const packed = await loadModel(archive);
    try {
      expect((await tfjs.verify()).maxAbsDifference).toBeLessThan(1e-6);
      expect((await onnx.verify()).maxAbsDifference).toBeLessThan(1e-5);
      expect((await packed.verify()).maxAbsDifference).toBeLessThan(1e-6);
      const predictions = await tfjs.predict(example.records);
      predictions.forEach((prediction, row) => {
        expect(prediction.probabilities?.true).toBeCloseTo(example.outputs[row], 6);
        expect(prediction.prediction).toBe(example.outputs[row] >= 0.5);
      });
      // An airport never seen in training goes to the unknown bucket instead of failing.
      const [unseen] = await tfjs.predict([{ ...example.records[0], origin: 'XXX' }]);
      expect(unseen?.probabilities?.true).toBeGreaterThanOrEqual(0);
    } finally {
      await Promise.all([tfjs.close(), onnx.close(), packed.close()]);
    }
  });

  it('writes an MLflow model: MLmodel names the run, its signature is what the raw-column ONNX model takes, the example scores', async () => {
    const result = await train({ ...baseSpec(), epochs: 1 }, { tracking: fx.tracking, outDir: path.join(fx.dir, 'out') });
    const dir = result.packageDir as string;
    const mlmodel = parseYaml(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
    expect(mlmodel.run_id).toBe(result.bestRunId);
    expect(mlmodel.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(mlmodel.utc_time_created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(mlmodel.flavors.python_function).toMatchObject({ loader_module: 'mlflow.onnx', data: 'model.onnx' });
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
    const inputs = JSON.parse(mlmodel.signature.inputs) as { name: string; type: string }[];
    expect(session.inputNames).toEqual(inputs.map((input) => input.name));
    expect(session.outputNames).toEqual(JSON.parse(mlmodel.signature.outputs).map((output: { name: string }) => output.name));
    // MLflow's input example, fed column by column as mlflow.onnx's pyfunc does, scores as the package does.
    const example = JSON.parse(await readFile(path.join(dir, 'input_example.json'), 'utf8')) as { columns: string[]; data: unknown[][] };
    const feeds = Object.fromEntries(
      inputs.map(({ name, type }) => {
        const column = example.data.map((row) => row[example.columns.indexOf(name)]);
        return [
          name,
          type === 'string'
            ? new ort.Tensor('string', column as string[], [column.length])
            : new ort.Tensor(
                'float64',
                Float64Array.from(column, (value) => (value === null ? Number.NaN : (value as number))),
                [column.length],
              ),
        ];
      }),
    );
    const scored = await session.run(feeds);
    await session.release();
    const replay = JSON.parse(await readFile(path.join(dir, 'verify_example.json'), 'utf8')) as { outputs: number[] };
    const probabilities = Array.from(scored['probability(true)']?.data as Float32Array);
    probabilities.forEach((value, row) => {
      expect(Math.abs(value - (replay.outputs[row] as number))).toBeLessThan(1e-5);
    });
    expect(probabilities).toHaveLength(20);
  });

  it('trains a regression and a multi-class model from in-memory records', async () => {
    const records = Array.from({ length: 600 }, (_, i) => ({
      x: (i % 50) / 5,
      kind: ['a', 'b', 'c'][i % 3],
      y: 3 * ((i % 50) / 5) + (i % 3),
    }));
    const regression = await train(
      {
        experiment: 'train-int',
        data: 'memory',
        target: 'y',
        features: ['x', { name: 'kind', type: 'categorical' }],
        model: { type: 'linear' },
        optimizer: { learningRate: 0.05 },
        epochs: 40,
        batchSize: 32,
        backend: 'cpu',
      },
      { tracking: fx.tracking, data: records, outDir: path.join(fx.dir, 'out') },
    );
    expect(regression.bestMetrics.test_r2).toBeGreaterThan(0.95);
    const multiclass = await train(
      {
        experiment: 'train-int',
        data: 'memory',
        target: 'kind',
        features: ['x', 'y'],
        model: { type: 'mlp', hiddenUnits: [16] },
        optimizer: { learningRate: 0.02 },
        epochs: 30,
        batchSize: 32,
        backend: 'cpu',
      },
      { tracking: fx.tracking, data: records, outDir: path.join(fx.dir, 'out') },
    );
    const run = await fx.tracking.getRun(multiclass.bestRunId);
    expect(run.metrics.test_accuracy?.value).toBeGreaterThan(0.5);
    const model = await loadModel(multiclass.packageDir as string, { runtime: 'onnx' });
    try {
      expect(model.manifest.classes).toEqual(['a', 'b', 'c']);
      expect((await model.verify()).maxAbsDifference).toBeLessThan(1e-5);
    } finally {
      await model.close();
    }
  });

  it('is deterministic for a seed on cpu: the same spec twice gives the same metrics', async () => {
    const spec = { ...baseSpec(), epochs: 2 };
    const [a, b] = [
      await train(spec, { tracking: fx.tracking, outDir: path.join(fx.dir, 'out') }),
      await train(spec, { tracking: fx.tracking, outDir: path.join(fx.dir, 'out') }),
    ];
    expect(a.bestMetrics.test_auc).toBe(b.bestMetrics.test_auc);
    expect(a.bestMetrics.val_loss).toBe(b.bestMetrics.val_loss);
  });

  it('records a failed training as a FAILED run with the reason, and says what was wrong', async () => {
    // No outDir: packages go to the workspace's .mlp/train/<run id>, where `mlp train` puts them.
    vi.stubEnv('MLP_WORKSPACE', fx.dir);
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const spec = { ...baseSpec(), experiment: 'train-int-failures', target: 'nope' };
    const error = await train(spec, { tracking: fx.tracking }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toContain('nope');
    const ok = await train({ ...spec, target: 'late', epochs: 1 }, { tracking: fx.tracking });
    expect(ok.packageDir).toBe(path.join(fx.dir, '.mlp', 'train', ok.bestRunId));
    const { experimentId } = await fx.tracking.getRun(ok.bestRunId);
    const failed = await fx.tracking.searchRuns({ experimentIds: [experimentId], filter: "attributes.status = 'FAILED'" });
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]?.tags['mlp.failure_reason']).toContain('nope');

    // A spec error names the field and creates no run.
    const invalid = await train({ ...baseSpec(), model: { type: 'mlp', hiddenUnits: [0] } }, { tracking: fx.tracking }).catch(
      (caught: unknown) => caught,
    );
    expect(invalid).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((invalid as Error).message).toContain('model.hiddenUnits.0');
  });
});
