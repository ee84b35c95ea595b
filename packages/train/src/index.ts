export { readTable } from './data/read-table.js';
export { type ReadTableChunksOptions, readTableChunks } from './data/read-table-chunks.js';
export type { Cell, Table } from './data/table.js';
export { tableFromRecords } from './data/table-from-records.js';
export { tableRecords } from './data/table-records.js';
export type { EvaluationReport } from './evaluate/evaluate-predictions.js';
export type { FitData, FitOptions, FitResult } from './model/fit-model.js';
export type { Learner, ModelShape, ServingModel, TrainerPlugin } from './model/learner.js';
export { type LoadedModel, type LoadModelOptions, loadModel, type ModelRuntime, type PredictOptions } from './package/load-model.js';
export { ARCHIVE_EXTENSION, packModel } from './package/model-archive.js';
export { type PackageManifest, type Prediction, packageFiles } from './package/package-manifest.js';
export { isDatasetRef, loadSpec, parseSpec } from './spec/load-spec.js';
export {
  type BackendChoice,
  type FeatureSpec,
  type ModelSpec,
  type ParamDistribution,
  type SearchSpec,
  type Task,
  type TrainSpec,
  type TrainSpecInput,
  trainSpecSchema,
} from './spec/train-spec.js';
export { type DatasetResolver, type TrainOptions, type TrainResult, type TrialSummary, train } from './train.js';
export type { TrainEvent } from './train-event.js';
export { defaultObjective, type TrainModelOptions, type TrainModelResult, trainModel } from './train-model.js';
