import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { MlpError } from '@mlp/core';
import type * as Ort from 'onnxruntime-node';
import { ortTypeOf } from './oip-datatypes.js';
import { type ModelRunner, type OnnxSessionOptions, servingSessionOptions, specOf } from './onnx-model.js';
import { onnxWorkerSource } from './onnx-worker-source.js';
import type { HostTensor, TensorData, TensorSpec } from './tensor-spec.js';

type FromWorker =
  | { type: 'ready'; inputs: Ort.InferenceSession.ValueMetadata[]; outputs: Ort.InferenceSession.ValueMetadata[]; outputNames: string[] }
  | { type: 'error'; message: string }
  | { type: 'result'; id: number; outputs?: { name: string; dims: number[]; data: TensorData }[]; error?: string }
  | { type: 'closed' };

function ortPath(): string {
  try {
    return createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Serving ONNX models needs onnxruntime-node: npm install onnxruntime-node (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
}

/**
 * A tensor as posted to the worker. Strings travel as one joined string and their lengths: cloning
 * one string costs a copy, cloning thousands costs an allocation each on the HTTP thread, and the
 * worker (idle while the HTTP thread is busy) splits them again. Typed arrays the caller owns are
 * transferred, not copied.
 */
function packFeed(tensor: HostTensor, transfer: ArrayBuffer[] | undefined) {
  const base = { name: tensor.name, type: ortTypeOf[tensor.datatype], dims: tensor.shape };
  const { data } = tensor;
  if (Array.isArray(data)) {
    const lengths = new Uint32Array(data.length);
    for (let i = 0; i < data.length; i++) lengths[i] = (data[i] as string).length;
    return { ...base, packed: data.join(''), lengths };
  }
  const buffer = data.buffer;
  if (transfer && buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength) transfer.push(buffer);
  return { ...base, data };
}

/**
 * An ONNX model whose onnxruntime session lives in its own worker thread: runs are posted to it
 * (inputs copied, outputs transferred back), so the HTTP thread keeps reading and writing while
 * the model computes, and the two use two cores.
 */
export async function openOnnxWorkerModel(bytes: Uint8Array, options: OnnxSessionOptions = {}): Promise<ModelRunner> {
  const worker = new Worker(onnxWorkerSource, {
    eval: true,
    workerData: { ortPath: ortPath(), model: bytes, options: servingSessionOptions(options) },
  });
  const pending = new Map<number, { resolve(outputs: HostTensor[]): void; reject(error: unknown): void; fetches: readonly string[] }>();
  let nextId = 0;
  let broken: MlpError | undefined;
  let closing: Promise<void> | undefined;
  let exited = false;
  let onClosed: (() => void) | undefined;

  const ready = new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new MlpError('INTERNAL', `The model's worker thread exited (code ${code}) while loading.`)));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'error') reject(new MlpError('INVALID_ARGUMENT', `onnxruntime cannot open the model: ${message.message}`));
    });
  });
  let metadata: Extract<FromWorker, { type: 'ready' }>;
  let inputs: TensorSpec[];
  let outputs: TensorSpec[];
  try {
    metadata = await ready;
    inputs = metadata.inputs.map((value) => specOf(value, 'input'));
    outputs = metadata.outputs.map((value) => specOf(value, 'output'));
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const outputSpecs = new Map(outputs.map((spec) => [spec.name, spec]));

  let reportCrash: (error: MlpError) => void = () => {};
  const crashed = new Promise<MlpError>((resolve) => {
    reportCrash = resolve;
  });
  const failAll = (error: MlpError) => {
    if (!closing) reportCrash(error);
    broken ??= error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  worker.removeAllListeners('message');
  worker.on('error', (error) => failAll(new MlpError('UNAVAILABLE', `The model's worker thread failed: ${error.message}.`)));
  worker.on('exit', (code) => {
    exited = true;
    failAll(new MlpError('UNAVAILABLE', `The model's worker thread exited (code ${code}).`));
    onClosed?.();
  });
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'closed') {
      onClosed?.();
      return;
    }
    if (message.type !== 'result') return;
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.error !== undefined) {
      // What onnxruntime refuses at run time (a Gather index out of range) is the input's fault.
      entry.reject(new MlpError('INVALID_ARGUMENT', `The model could not run on this input: ${message.error}`));
      return;
    }
    entry.resolve(
      (message.outputs ?? []).map((output) => ({
        name: output.name,
        datatype: (outputSpecs.get(output.name) as TensorSpec).datatype,
        shape: output.dims,
        data: output.data,
      })),
    );
  });

  return {
    platform: 'onnxruntime_onnx',
    inputs,
    outputs,
    run(tensors, outputNames, options) {
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      const fetches = outputNames && outputNames.length > 0 ? [...outputNames] : undefined;
      return new Promise<HostTensor[]>((resolve, reject) => {
        pending.set(id, { resolve, reject, fetches: fetches ?? metadata.outputNames });
        const transfer: ArrayBuffer[] = [];
        const feeds = tensors.map((tensor) => packFeed(tensor, options?.transfer === true ? transfer : undefined));
        worker.postMessage({ type: 'run', id, fetches, feeds }, transfer);
      });
    },
    crashed,
    async terminate() {
      await worker.terminate();
    },
    close() {
      closing ??= (async () => {
        broken = new MlpError('UNAVAILABLE', 'The model was unloaded; load it again.');
        if (!exited) {
          const closed = new Promise<void>((resolve) => {
            onClosed = resolve;
          });
          worker.postMessage({ type: 'close' });
          await closed;
        }
        await worker.terminate();
      })();
      return closing;
    },
  };
}
