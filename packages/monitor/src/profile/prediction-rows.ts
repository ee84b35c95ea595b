import type { LoggedTensor, PredictionLogEntry } from '@mlp/core';

function isTensor(value: unknown): value is LoggedTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as LoggedTensor).shape) &&
    Array.isArray((value as LoggedTensor).data)
  );
}

/** A tensor's rows: a vector is one column named after it, a [rows, k] matrix k columns `name.0` … `name.k-1`. */
function tensorColumns(tensor: LoggedTensor, prefix: string): { rows: number; columns: [string, (row: number) => unknown][] } {
  const [rows = tensor.data.length, width = 1] = tensor.shape.length >= 2 ? tensor.shape : [tensor.data.length, 1];
  const name = `${prefix}${tensor.name}`;
  if (width === 1) return { rows, columns: [[name, (row) => tensor.data[row]]] };
  return {
    rows,
    columns: Array.from(
      { length: width },
      (_, k) => [`${name}.${k}`, (row: number) => tensor.data[row * width + k]] as [string, (row: number) => unknown],
    ),
  };
}

/**
 * The rows one logged request holds, as records for a profile: each input record (or tensor row) with
 * the model's outputs beside it, named `prediction` for a plain output, `prediction.<key>` for an
 * object's fields, and `prediction.<tensor>` for output tensors.
 */
export function predictionRows(entry: PredictionLogEntry): Record<string, unknown>[] {
  if (entry.kind === 'records') {
    const inputs = entry.inputs as Record<string, unknown>[];
    const outputs = entry.outputs as unknown[];
    return inputs.map((input, i) => {
      const output = outputs[i];
      const row: Record<string, unknown> = { ...input };
      if (output !== null && typeof output === 'object' && !Array.isArray(output)) {
        for (const [key, value] of Object.entries(output)) row[`prediction.${key}`] = value;
      } else row.prediction = Array.isArray(output) && output.length === 1 ? output[0] : output;
      return row;
    });
  }
  const parts = [
    ...(entry.inputs as unknown[]).filter(isTensor).map((tensor) => tensorColumns(tensor, '')),
    ...(entry.outputs as unknown[]).filter(isTensor).map((tensor) => tensorColumns(tensor, 'prediction.')),
  ];
  const rows = Math.max(0, ...parts.map((part) => part.rows));
  return Array.from({ length: rows }, (_, row) => {
    const record: Record<string, unknown> = {};
    for (const part of parts) for (const [name, read] of part.columns) record[name] = row < part.rows ? read(row) : null;
    return record;
  });
}
