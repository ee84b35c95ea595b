import { fromFloat16Bits } from './float16.js';
import type { HostTensor } from './tensor-spec.js';

/** One entry of an inference response's `outputs`. */
export interface ResponseTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
  parameters?: Record<string, unknown>;
}

/**
 * A tensor as OIP JSON: flat row-major data, BOOL as true/false, FP16 as numbers, 64-bit integers
 * as numbers when exact and as decimal strings beyond 2^53 (JSON numbers would silently round them).
 */
export function encodeTensor(tensor: HostTensor): ResponseTensor {
  const { name, datatype, shape, data } = tensor;
  let values: (number | string | boolean)[];
  if (datatype === 'BOOL') values = Array.from(data as Uint8Array, (value) => value !== 0);
  else if (datatype === 'FP16') values = Array.from(data as Uint16Array, fromFloat16Bits);
  else if (datatype === 'INT64' || datatype === 'UINT64')
    values = Array.from(data as BigInt64Array, (value) => {
      const number = Number(value);
      return Number.isSafeInteger(number) ? number : value.toString();
    });
  else if (Array.isArray(data)) values = data;
  else values = Array.from(data as Float32Array);
  return { name, datatype, shape, data: values };
}
