import { MlpError } from '@mlp/core';
import { type LayersModel, tfl } from '../backend/tf.js';
import type { Activation, DenseLayerSpec, ModelSpec, Task } from '../spec/train-spec.js';

export interface ModelShape {
  /** Columns of the preprocessed feature matrix. */
  inputWidth: number;
  task: Task;
  /** 2 for binary, k for multiclass, 1 for regression. */
  classes: number;
  seed: number;
}

type BuiltInModelSpec = Extract<ModelSpec, { type: 'logistic' | 'linear' | 'mlp' }>;

/**
 * Builds the tfjs model a spec describes: `logistic` (one dense layer, sigmoid or softmax), `linear`
 * (one dense unit, regression) or `mlp` (hidden dense layers, then the task's output layer). Every
 * initializer and dropout layer is seeded from `seed`, and layer names are fixed, so the same spec and
 * seed build the same model.
 */
export function buildModel(spec: ModelSpec, shape: ModelShape): LayersModel {
  if (!['logistic', 'linear', 'mlp'].includes(spec.type))
    throw new MlpError('INVALID_ARGUMENT', `Model type ${spec.type} is not built in; a 'plugin:' model needs its trainer plugin.`);
  checkShape(shape);
  const model = spec as BuiltInModelSpec;
  const { task } = shape;
  switch (model.type) {
    case 'logistic':
      if (task === 'regression')
        throw new MlpError(
          'INVALID_ARGUMENT',
          "A logistic model predicts classes, but the target is numeric (regression): use model type 'linear' or 'mlp'.",
        );
      return assemble('logistic', [], shape, model.l2 ?? 0);
    case 'linear':
      if (task !== 'regression')
        throw new MlpError(
          'INVALID_ARGUMENT',
          `A linear model predicts a number, but the task is ${task}: use model type 'logistic' or 'mlp'.`,
        );
      return assemble('linear', [], shape, model.l2 ?? 0);
    case 'mlp':
      return assemble('mlp', hiddenLayers(model), shape, model.l2 ?? 0);
  }
}

function checkShape({ inputWidth, task, classes, seed }: ModelShape): void {
  if (!Number.isInteger(inputWidth) || inputWidth < 1)
    throw new MlpError('INVALID_ARGUMENT', `The model needs at least one input column, got a width of ${inputWidth}: check the features.`);
  const expected = task === 'binary' ? classes === 2 : task === 'multiclass' ? Number.isInteger(classes) && classes >= 2 : classes === 1;
  if (!expected)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `A ${task} model takes classes = ${task === 'binary' ? '2' : task === 'regression' ? '1' : 'k >= 2'}, got ${classes}.`,
    );
  if (!Number.isInteger(seed) || seed < 0) throw new MlpError('INVALID_ARGUMENT', `The seed must be a non-negative integer, got ${seed}.`);
}

function hiddenLayers(spec: Extract<BuiltInModelSpec, { type: 'mlp' }>): DenseLayerSpec[] {
  if (spec.layers && spec.hiddenUnits)
    throw new MlpError('INVALID_ARGUMENT', "An mlp model takes either 'layers' or the 'hiddenUnits' shorthand, not both.");
  if (spec.layers)
    return spec.layers.map((layer) => ({ units: layer.units, activation: layer.activation ?? 'relu', dropout: layer.dropout ?? 0 }));
  if (spec.hiddenUnits)
    return spec.hiddenUnits.map((units) => ({ units, activation: spec.activation ?? 'relu', dropout: spec.dropout ?? 0 }));
  throw new MlpError('INVALID_ARGUMENT', "An mlp model needs hidden layers: give 'hiddenUnits' (such as [32, 16]) or 'layers'.");
}

function assemble(name: string, hidden: readonly DenseLayerSpec[], shape: ModelShape, l2: number): LayersModel {
  const { inputWidth, task, classes, seed } = shape;
  const model = tfl.sequential({ name });
  const dense = (index: number, units: number, activation: Activation | 'softmax', layerName: string) =>
    tfl.layers.dense({
      name: layerName,
      units,
      activation,
      // Seeded per layer: glorotUniform with the same seed would repeat one pattern in every layer.
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + index }),
      biasInitializer: 'zeros',
      ...(l2 > 0 ? { kernelRegularizer: tfl.regularizers.l2({ l2 }) } : {}),
      ...(index === 0 ? { inputShape: [inputWidth] } : {}),
    });
  hidden.forEach((layer, i) => {
    model.add(dense(i, layer.units, layer.activation, `hidden_${i + 1}`));
    // Dropout layers keep a seed so a training run can be replayed (the training loop varies it per step).
    if (layer.dropout > 0) model.add(tfl.layers.dropout({ name: `dropout_${i + 1}`, rate: layer.dropout, seed: seed + 1000 + i }));
  });
  const outputUnits = task === 'multiclass' ? classes : 1;
  const outputActivation = task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'linear';
  model.add(dense(hidden.length, outputUnits, outputActivation, 'output'));
  return model;
}
