import type { BatchCodec } from './batch-codec.js';
import type { HostTensor, TensorData } from './tensor-spec.js';

/** The rows of a request: the size of its inputs' first dimension (all must agree). */
export function batchRows(inputs: readonly HostTensor[]): number | undefined {
  let rows: number | undefined;
  for (const input of inputs) {
    const first = input.shape[0];
    if (first === undefined) return undefined;
    if (rows === undefined) rows = first;
    else if (rows !== first) return undefined;
  }
  return rows;
}

/** Which requests may share a run: same inputs, datatypes and dimensions after the first. */
export function batchKey(inputs: readonly HostTensor[]): string {
  let key = '';
  for (const input of inputs) key += `${input.name}:${input.datatype}:${input.shape.slice(1).join('x')};`;
  return key;
}

function concatData(parts: readonly TensorData[]): TensorData {
  const first = parts[0] as TensorData;
  if (Array.isArray(first)) {
    const out: string[] = [];
    for (const part of parts as string[][]) for (let i = 0; i < part.length; i++) out.push(part[i] as string);
    return out;
  }
  let length = 0;
  for (const part of parts) length += part.length;
  const Type = first.constructor as new (length: number) => Exclude<TensorData, string[]>;
  const out = new Type(length);
  let offset = 0;
  for (const part of parts) {
    (out as Float32Array).set(part as Float32Array, offset);
    offset += part.length;
  }
  return out;
}

/** The requests' inputs joined along dimension 0 (each request's inputs in the same order). */
export function concatInputs(requests: readonly (readonly HostTensor[])[], rows: number): HostTensor[] {
  const template = requests[0] as readonly HostTensor[];
  return template.map((input, index) => ({
    name: input.name,
    datatype: input.datatype,
    shape: [rows, ...input.shape.slice(1)],
    data: concatData(requests.map((request) => (request[index] as HostTensor).data)),
  }));
}

/**
 * Splits a batch's outputs back into each request's rows; undefined when an output's first dimension
 * is not the batch's rows (the model does not keep rows apart, so the batch cannot be split).
 */
export function splitOutputs(outputs: readonly HostTensor[], rowsPerRequest: readonly number[]): HostTensor[][] | undefined {
  const total = rowsPerRequest.reduce((sum, rows) => sum + rows, 0);
  if (outputs.some((output) => output.shape[0] !== total)) return undefined;
  const split: HostTensor[][] = rowsPerRequest.map(() => []);
  for (const output of outputs) {
    const rowSize = total === 0 ? 0 : output.data.length / total;
    let offset = 0;
    rowsPerRequest.forEach((rows, index) => {
      const end = offset + rows * rowSize;
      const data = Array.isArray(output.data) ? output.data.slice(offset, end) : (output.data as Float32Array).subarray(offset, end);
      (split[index] as HostTensor[]).push({ name: output.name, datatype: output.datatype, shape: [rows, ...output.shape.slice(1)], data });
      offset = end;
    });
  }
  return split;
}

/** OIP requests in a batch: joined along dimension 0 of every input, outputs split by rows. */
export const tensorBatching: BatchCodec<HostTensor[], HostTensor[]> = {
  rows: batchRows,
  key: batchKey,
  join: concatInputs,
  split: splitOutputs,
};
