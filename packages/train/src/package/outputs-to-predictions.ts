import type { TargetEncoder } from '../features/target-encoder.js';
import type { PackageManifest, Prediction } from './package-manifest.js';

/** Turns raw model outputs into one prediction per record: the class (with probabilities) or the value. */
export function outputsToPredictions(
  outputs: Float32Array,
  rows: number,
  manifest: Pick<PackageManifest, 'task' | 'classes'>,
  target: Pick<TargetEncoder, 'decode'>,
): Prediction[] {
  const predictions: Prediction[] = new Array(rows);
  if (manifest.task === 'regression') {
    for (let row = 0; row < rows; row += 1) predictions[row] = { prediction: outputs[row] as number };
    return predictions;
  }
  const classes = manifest.classes ?? [];
  if (manifest.task === 'binary') {
    // classes[1] is the positive class; the output is its probability.
    for (let row = 0; row < rows; row += 1) {
      const positive = outputs[row] as number;
      predictions[row] = {
        prediction: target.decode(positive >= 0.5 ? 1 : 0),
        probabilities: { [String(classes[0])]: 1 - positive, [String(classes[1])]: positive },
      };
    }
    return predictions;
  }
  const k = classes.length;
  for (let row = 0; row < rows; row += 1) {
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < k; c += 1) {
      const p = outputs[row * k + c] as number;
      probabilities[String(classes[c])] = p;
      if (p > (outputs[row * k + best] as number)) best = c;
    }
    predictions[row] = { prediction: target.decode(best), probabilities };
  }
  return predictions;
}
