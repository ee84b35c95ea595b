import { availableParallelism } from 'node:os';
import { MlpError } from '@mlp/core';
import type * as Ort from 'onnxruntime-node';
import { oipDatatypeOf, ortTypeOf } from './oip-datatypes.js';
import type { HostTensor, TensorSpec } from './tensor-spec.js';

/** A model the server can run: its declared inputs and outputs, and a run on host tensors. */
export interface ModelRunner {
  /** OIP's platform name: `onnxruntime_onnx`, `tfjs`. */
  readonly platform: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Runs the model on every input; returns the outputs named (all when none are). */
  run(inputs: readonly HostTensor[], outputNames?: readonly string[], options?: RunOptions): Promise<HostTensor[]>;
  /**
   * Resolves with the reason when the runner dies on its own (its worker thread crashed or exited);
   * never when closed. A runner on the calling thread has none.
   */
  readonly crashed?: Promise<MlpError>;
  /** Ends the runner at once, as a crash would (its worker thread is terminated): for recovery drills and tests. */
  terminate?(): Promise<void>;
  close(): Promise<void>;
}

export interface RunOptions {
  /** The caller gives up the inputs' buffers: a runner in another thread may transfer them instead of copying. */
  transfer?: boolean;
}

export interface OnnxSessionOptions {
  /** onnxruntime's intra-op threads for one run; half the CPUs by default (the other half answers HTTP). */
  threads?: number;
  /**
   * Run the model in a worker thread (the default), so a run never blocks the thread answering HTTP
   * (onnxruntime-node's `run` is synchronous on its thread); `false` runs it on the calling thread.
   */
  worker?: boolean;
}

type OrtModule = typeof Ort;

let ortModule: Promise<OrtModule> | undefined;

/** onnxruntime-node, imported on first use so the rest of the package loads without its native binding. */
export function loadOnnxRuntime(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node')
    .then((module) => {
      const loaded = module as unknown as OrtModule & { default?: OrtModule };
      return loaded.InferenceSession ? loaded : (loaded.default as OrtModule);
    })
    .catch((error: unknown) => {
      ortModule = undefined;
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Serving ONNX models needs onnxruntime-node: npm install onnxruntime-node (${(error as Error).message}).`,
        {
          cause: error,
        },
      );
    });
  return ortModule;
}

export function specOf(metadata: Ort.InferenceSession.ValueMetadata, kind: string): TensorSpec {
  if (!metadata.isTensor)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The model's ${kind} '${metadata.name}' is not a tensor (a sequence or map); OIP serves tensors only.`,
    );
  const datatype = oipDatatypeOf(metadata.type);
  if (!datatype)
    throw new MlpError('INVALID_ARGUMENT', `The model's ${kind} '${metadata.name}' is ${metadata.type}, which OIP has no datatype for.`);
  const shape = metadata.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
  // onnxruntime reports an undeclared shape as []; a declared scalar looks the same, so [] means "any".
  return { name: metadata.name, datatype, shape, shaped: shape.length > 0 };
}

/** The session options the server runs models with. */
export function servingSessionOptions(options: OnnxSessionOptions): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: options.threads ?? Math.max(1, Math.floor(availableParallelism() / 2)),
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    enableMemPattern: true,
  };
}

/** Opens ONNX bytes in onnxruntime on this thread. */
export async function openOnnxModelHere(bytes: Uint8Array, options: OnnxSessionOptions = {}): Promise<ModelRunner> {
  const ort = await loadOnnxRuntime();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, servingSessionOptions(options));
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `onnxruntime cannot open the model: ${(error as Error).message}`, { cause: error });
  }
  let inputs: TensorSpec[];
  let outputs: TensorSpec[];
  try {
    inputs = session.inputMetadata.map((metadata) => specOf(metadata, 'input'));
    outputs = session.outputMetadata.map((metadata) => specOf(metadata, 'output'));
  } catch (error) {
    await session.release();
    throw error;
  }
  let closed = false;
  return {
    platform: 'onnxruntime_onnx',
    inputs,
    outputs,
    async run(tensors, outputNames) {
      if (closed) throw new MlpError('UNAVAILABLE', 'The model was unloaded; load it again.');
      const feeds: Record<string, Ort.Tensor> = {};
      for (const tensor of tensors) feeds[tensor.name] = new ort.Tensor(ortTypeOf[tensor.datatype], tensor.data, tensor.shape);
      const fetches = outputNames && outputNames.length > 0 ? [...outputNames] : undefined;
      let results: Ort.InferenceSession.OnnxValueMapType;
      try {
        results = fetches ? await session.run(feeds, fetches) : await session.run(feeds);
      } catch (error) {
        // What onnxruntime refuses at run time (a value out of a Gather's range, a reshape that does not fit) is the input's fault.
        throw new MlpError('INVALID_ARGUMENT', `The model could not run on this input: ${(error as Error).message}`, { cause: error });
      }
      const wanted = fetches ?? session.outputNames;
      return wanted.map((name) => {
        const value = results[name] as Ort.Tensor;
        const spec = outputs.find((output) => output.name === name) as TensorSpec;
        return { name, datatype: spec.datatype, shape: [...value.dims], data: value.data as HostTensor['data'] };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}
