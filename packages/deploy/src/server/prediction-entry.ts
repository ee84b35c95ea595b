import type { LoggedTensor, PredictionLogEntry } from '@mlp/core';
import type { RequestTensor } from './decode-tensor.js';
import { encodeTensor } from './encode-tensor.js';
import type { HostTensor } from './tensor-spec.js';

/** The prediction-log hook: called after the answer is sent; it must not block (buffer and drop instead). */
export type PredictionSink = (entry: PredictionLogEntry) => void;

/** A request input as the log keeps it: flat data (as sent when flat, else flattened from the decoded tensor). */
export function loggedInput(input: RequestTensor, decoded: HostTensor | undefined): LoggedTensor {
  // Binary inputs (no `data`) and nested ones are logged from the decoded tensor.
  if (!Array.isArray(input.data) && decoded) return encodeTensor(decoded) as LoggedTensor;
  const data = (input.data ?? []) as unknown[];
  if (data.length === 0 || !Array.isArray(data[0]) || !decoded)
    return { name: input.name, datatype: input.datatype, shape: input.shape, data };
  return encodeTensor(decoded) as LoggedTensor;
}
