import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportOnnx } from '../onnx/export-onnx.js';
import { packageFiles } from '../package/package-manifest.js';
import { saveTfjsModel } from '../package/tfjs-model-files.js';
import type { ModelSpec } from '../spec/train-spec.js';
import { buildModel } from './build-model.js';
import { fitModel } from './fit-model.js';
import type { Learner, ModelShape } from './learner.js';
import { predictMatrix } from './predict-matrix.js';

/** The built-in models (logistic, linear, MLP) as a tfjs LayersModel, saved in tfjs format and as ONNX. */
export function createTfjsLearner(spec: ModelSpec, shape: ModelShape): Learner {
  const model = buildModel(spec, shape);
  return {
    fit: (data, options) => fitModel(model, data, options),
    predict: (x, rows, width) => predictMatrix(model, x, rows, width),
    async save(dir) {
      await saveTfjsModel(model, path.join(dir, packageFiles.tfjs));
      await writeFile(path.join(dir, packageFiles.onnxMatrix), exportOnnx(model));
    },
    dispose: () => model.dispose(),
  };
}
