import { MlpError } from '@mlp/core';
import type { LoadedModel, ModelRuntime } from '@mlp/train';
import type { BatcherOptions } from '../server/dynamic-batcher.js';
import type { RecordsModel } from './invocations-route.js';
import { type BatchedRecordsModel, batchRecords } from './records-batching.js';

/** What the server knows of a served model: enough to open its package for records. */
export interface ServedPackage {
  name: string;
  version: string;
  /** READY models only take requests. */
  state: string;
  /** Why a model is not ready, for the 503. */
  reason?: string | undefined;
  /** The model package folder; undefined for a bare ONNX file (tensors only). */
  packageDir: string | undefined;
  /** The model's queue settings: records requests are joined as its tensor requests are (`false`: each alone). */
  batchSettings?: BatcherOptions | false;
}

export interface PackageRecordsModels {
  /** The records model of a served package: opened with `loadModel` at first use, then shared. */
  get(served: ServedPackage): Promise<RecordsModel>;
  /** Opens it now (warm-up), so the first request does not wait for the package to load. */
  warm(served: ServedPackage): Promise<void>;
  /** Closes the loaded model of a package folder (after an unload or reload). */
  evict(packageDir: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens served model packages for `/invocations` with `@mlp/train`'s `loadModel` (the package's
 * preprocessing, then the model; the ONNX runtime by default), once per package folder.
 */
export function createPackageRecordsModels(
  options: {
    runtime?: ModelRuntime /** Sees each joined run's rows (the batch-size histogram). */;
    onBatch?: (model: string, rows: number) => void;
  } = {},
): PackageRecordsModels {
  const runtime = options.runtime ?? 'onnx';
  const loaded = new Map<string, Promise<BatchedRecordsModel>>();

  const open = (dir: string, served: ServedPackage): Promise<BatchedRecordsModel> => {
    let model = loaded.get(dir);
    if (!model) {
      model = import('@mlp/train').then(async ({ loadModel }) => {
        const first = await loadModel(dir, { runtime }).catch((error: unknown) => {
          // A package without an ONNX model (a tfjs-only or plugin model) still serves records.
          if (runtime === 'onnx' && MlpError.isInstance(error) && error.code === 'FAILED_PRECONDITION') return undefined;
          throw error;
        });
        const opened: LoadedModel = first ?? (await loadModel(dir, { runtime: 'tfjs' }));
        const onBatch = options.onBatch;
        return batchRecords(opened, served.batchSettings ?? false, onBatch ? (rows) => onBatch(served.name, rows) : undefined);
      });
      loaded.set(dir, model);
      model.catch(() => loaded.delete(dir));
    }
    return model;
  };

  async function get(served: ServedPackage): Promise<RecordsModel> {
    if (served.state !== 'READY')
      throw new MlpError(
        'UNAVAILABLE',
        `Model '${served.name}' is not ready (${served.reason ?? served.state.toLowerCase()}); try again later.`,
      );
    if (!served.packageDir)
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Model '${served.name}' is an ONNX file without a model package: it takes tensors on /v2/models/${served.name}/infer, not records.`,
      );
    const model = await open(served.packageDir, served);
    return { name: served.name, version: served.version, model };
  }

  return {
    get,
    async warm(served) {
      await get(served);
    },
    async evict(packageDir) {
      const model = loaded.get(packageDir);
      loaded.delete(packageDir);
      await (await model?.catch(() => undefined))?.close();
    },
    async close() {
      const models = [...loaded.values()];
      loaded.clear();
      await Promise.all(models.map(async (model) => (await model.catch(() => undefined))?.close()));
    },
  };
}
