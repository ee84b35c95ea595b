import type { Task } from '../spec/train-spec.js';
import type { FitData, FitOptions, FitResult } from './fit-model.js';

/** What a model needs to know of the data before training. */
export interface ModelShape {
  inputWidth: number;
  task: Task;
  /** 2 for binary, k for multi-class, 1 for regression. */
  classes: number;
  seed: number;
}

/** What trainers share once data is a matrix: fit, predict, write the model files. */
export interface Learner {
  fit(data: FitData, options: FitOptions): Promise<FitResult>;
  /** Row-major outputs: P(positive) for binary, class probabilities for multi-class, values for regression. */
  predict(x: Float32Array, rows: number, width: number): Float32Array | Promise<Float32Array>;
  /** Writes the model's files into `dir`, a package folder being built. */
  save(dir: string): Promise<void>;
  dispose(): void;
}

/** A trained model opened from a package for serving. */
export interface ServingModel {
  predict(x: Float32Array, rows: number, width: number): Float32Array | Promise<Float32Array>;
  close?(): Promise<void> | void;
}

/**
 * A trainer for `model: { type: 'plugin:<name>', ... }`: gradient-boosted trees, a wrapped native
 * library, anything that fits matrices. Registered in a plugin registry's `trainer` slot and passed
 * to `train` and `loadModel` as `plugins`. It gets the preprocessed matrices, so preprocessing,
 * splits, metrics, tracking and packaging are the same as for the built-in models.
 */
export interface TrainerPlugin {
  readonly name: string;
  /** A learner for the spec's `model` object (its own keys included). */
  create(model: Record<string, unknown>, shape: ModelShape): Learner;
  /** Opens what a learner's `save` wrote. */
  load(dir: string): Promise<ServingModel>;
}

declare module '@mlp/core' {
  interface PluginSlots {
    trainer: TrainerPlugin;
  }
}
