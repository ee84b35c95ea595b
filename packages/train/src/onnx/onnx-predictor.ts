import { MlpError } from '@mlp/core';
import type * as Ort from 'onnxruntime-node';

/** The part of onnxruntime's API used here (onnxruntime-node's, or onnxruntime-web's, which is the same). */
export type OnnxRuntime = Pick<typeof Ort, 'InferenceSession' | 'Tensor'>;

export interface OnnxPredictorOptions {
  /** Threads of one inference (onnxruntime's intra-op pool); onnxruntime decides by default. */
  threads?: number;
  /** Supplies the runtime; `import('onnxruntime-node')` by default. */
  loadRuntime?: () => Promise<OnnxRuntime>;
}

export interface OnnxPredictor {
  /** Scores `rows × width` float32 features; returns the model's single output, row-major. */
  predict(x: Float32Array, rows: number, width: number): Promise<Float32Array>;
  close(): Promise<void>;
}

const loadOnnxRuntimeNode = async (): Promise<OnnxRuntime> => {
  try {
    const module = (await import('onnxruntime-node')) as OnnxRuntime & { default?: OnnxRuntime };
    return module.InferenceSession ? module : (module.default as OnnxRuntime);
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Serving ONNX models needs onnxruntime-node: npm install onnxruntime-node (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
};

/**
 * Opens an ONNX model (the bytes of a .onnx file) in onnxruntime on the CPU. onnxruntime-node is
 * imported only here, on first use, so the rest of @mlp/train works without it.
 */
export async function openOnnxPredictor(model: Uint8Array, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
  const ort = await (options.loadRuntime ?? loadOnnxRuntimeNode)();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
  } catch (error) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `onnxruntime cannot open the ONNX model: ${(error as Error).message}. Re-export it from the tfjs model.`,
      {
        cause: error,
      },
    );
  }
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  if (!inputName || !outputName || session.inputNames.length !== 1)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The ONNX model must take one input and give an output; it has inputs [${session.inputNames.join(', ')}].`,
    );
  let closed = false;

  return {
    async predict(x, rows, width) {
      if (closed) throw new MlpError('FAILED_PRECONDITION', 'This ONNX predictor was closed; open the model again.');
      if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * width)
        throw new MlpError('INVALID_ARGUMENT', `The matrix holds ${x.length} values, not rows × width = ${rows} × ${width}.`);
      if (rows === 0) return new Float32Array(0);
      const input = new ort.Tensor('float32', x, [rows, width]);
      const results = await session.run({ [inputName]: input }).catch((error: unknown) => {
        throw new MlpError('INVALID_ARGUMENT', `onnxruntime could not score the matrix: ${(error as Error).message}.`, { cause: error });
      });
      const output = results[outputName];
      if (!output || !(output.data instanceof Float32Array))
        throw new MlpError('INTERNAL', `The ONNX model's output ${outputName} is not a float32 tensor.`);
      // A copy: the result must not share memory that onnxruntime may reuse or free.
      const scores = Float32Array.from(output.data);
      for (const tensor of Object.values(results)) tensor.dispose();
      return scores;
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}
