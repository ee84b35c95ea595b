import { MlpError } from '@mlp/core';
import { type LayersModel, type Tensor, tf } from '../backend/tf.js';

/**
 * Scores a feature matrix in chunks of `batchSize` rows (inference: dropout off). The result is
 * row-major: P(positive) per row for binary, `rows × k` class probabilities for multiclass, the value
 * for regression — whatever the model's last layer gives, one row per input row.
 */
export function predictMatrix(model: LayersModel, x: Float32Array, rows: number, width: number, batchSize = 8192): Float32Array {
  if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * width)
    throw new MlpError('INVALID_ARGUMENT', `The matrix holds ${x.length} values, not rows × width = ${rows} × ${width}.`);
  const inputWidth = model.inputs[0]?.shape[1];
  if (inputWidth !== width)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The model takes ${inputWidth} input columns but the matrix has ${width}: preprocess the records with the model's own package.`,
    );
  const outputs = model.outputs[0]?.shape[1] ?? 1;
  const result = new Float32Array(rows * outputs);
  const chunk = Math.max(1, Math.floor(batchSize));
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    // `apply` in inference mode scores the chunk at once; `predict` would split it into batches of 32,
    // which on WebAssembly ran about 100× slower.
    const scores = tf.tidy(
      () => model.apply(tf.tensor2d(x.subarray(start * width, (start + n) * width), [n, width]), { training: false }) as Tensor,
    );
    result.set(scores.dataSync() as Float32Array, start * outputs);
    scores.dispose();
  }
  return result;
}
