import { z } from 'zod';
import { taskSchema } from '../spec/train-spec.js';

/** The files of a model package, relative to its folder. */
export const packageFiles = {
  manifest: 'mlp-model.json',
  preprocessing: 'preprocessing.json',
  signature: 'signature.json',
  metrics: 'metrics.json',
  provenance: 'provenance.json',
  /** Records from the test split and the outputs the evaluation gave them: `verify` replays them. */
  inputExample: 'verify_example.json',
  tfjs: 'tfjs',
  /** The ONNX model on raw columns, preprocessing inside (MLflow's onnx flavor serves it). */
  onnx: 'model.onnx',
  /** The ONNX model on the preprocessed `[N, width]` matrix, as `loadModel(…, { runtime: 'onnx' })` runs it. */
  onnxMatrix: 'model-matrix.onnx',
  /** MLflow's input example (split-oriented pandas), its serving payload and the Python environment files. */
  mlflowInputExample: 'input_example.json',
  mlflowServingInput: 'serving_input_payload.json',
  condaEnv: 'conda.yaml',
  pythonEnv: 'python_env.yaml',
  requirements: 'requirements.txt',
  /** A trainer plugin's own model files. */
  trainer: 'trainer',
  /** MLflow's flavor file, so MLflow tools recognise the ONNX model. */
  mlmodel: 'MLmodel',
} as const;

export const PACKAGE_FORMAT = 'mlp-model';
export const PACKAGE_FORMAT_VERSION = 1;

export const packageManifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  version: z.literal(PACKAGE_FORMAT_VERSION),
  name: z.string(),
  task: taskSchema,
  target: z.string(),
  /** Class values of a classification, in output order; absent for regression. */
  classes: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Width of the preprocessed input the models take. */
  inputWidth: z.int().min(1),
  /** Which model files the package holds: tfjs always for built-in models, onnx for linear and MLP models. */
  runtimes: z.object({ tfjs: z.boolean(), onnx: z.boolean() }),
  /**
   * The matrix ONNX model's file; absent in packages written before the raw-column model, whose
   * `model.onnx` was the matrix model.
   */
  onnxMatrix: z.literal(packageFiles.onnxMatrix).optional(),
  /** The trainer plugin that serves a plugin model (`loadModel(..., { plugins })`). */
  trainer: z.string().optional(),
  /** The model type from the spec (`mlp`, `logistic`, `linear`). */
  modelType: z.string(),
  createdAt: z.string(),
  mlpVersion: z.string(),
});
export type PackageManifest = z.infer<typeof packageManifestSchema>;

/** What `predict` gives for one record. */
export interface Prediction {
  /**
   * The predicted class (classification, at probability 0.5 for binary) or value (regression); null
   * for an invalid record predicted with `onInvalid: 'null'`.
   */
  prediction: string | number | boolean | null;
  /** Each class's probability (classification only), keyed by the class value as text. */
  probabilities?: Record<string, number>;
  /** Why the record got no prediction: `feature "distance": "abc" is not a number`. */
  invalid?: string;
}

/** The stored example: records, and the raw outputs the evaluation computed for them. */
export interface InputExample {
  records: Record<string, unknown>[];
  /** Row-major model outputs (P(positive), class probabilities, or values) at training time. */
  outputs: number[];
}
