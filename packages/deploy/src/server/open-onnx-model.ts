import type { ModelRunner, OnnxSessionOptions } from './onnx-model.js';
import { openOnnxModelHere } from './onnx-model.js';
import { openOnnxWorkerModel } from './onnx-worker-model.js';

// Its own module: the worker runner reuses the in-thread runner's session options and specs, so the
// choice between them cannot live beside either without an import cycle.

/** Opens ONNX bytes for serving: in a worker thread by default (see `OnnxSessionOptions.worker`). */
export async function openOnnxModel(bytes: Uint8Array, options: OnnxSessionOptions = {}): Promise<ModelRunner> {
  return (options.worker ?? true) ? openOnnxWorkerModel(bytes, options) : openOnnxModelHere(bytes, options);
}
