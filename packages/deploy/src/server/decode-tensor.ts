import { MlpError } from '@mlp/core';
import { toFloat16Bits } from './float16.js';
import { isOipDatatype, type OipDatatype } from './oip-datatypes.js';
import { elementCount, formatShape, type HostTensor, type TensorData, type TensorSpec } from './tensor-spec.js';

/** One entry of an inference request's `inputs`, as it arrived. */
export interface RequestTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
  parameters?: Record<string, unknown> | undefined;
}

const bad = (name: string, why: string) => new MlpError('INVALID_ARGUMENT', `Input '${name}': ${why}`, { details: { input: name } });

const intRanges: Partial<Record<OipDatatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32_768, 32_767],
  INT32: [-2_147_483_648, 2_147_483_647],
  UINT8: [0, 255],
  UINT16: [0, 65_535],
  UINT32: [0, 4_294_967_295],
};

const arrayTypes = {
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
} as const;

/** The values of `data`, flattened row-major (OIP takes tensors flat or nested). */
function flatten(name: string, data: unknown): unknown[] {
  if (!Array.isArray(data)) throw bad(name, `data must be an array of values (flat or nested, row-major), got ${typeof data}.`);
  if (data.length === 0 || !Array.isArray(data[0])) return data;
  const out: unknown[] = [];
  const walk = (value: unknown[], depth: number) => {
    if (depth > 64) throw bad(name, 'data is nested too deeply.');
    for (const item of value) {
      if (Array.isArray(item)) walk(item, depth + 1);
      else out.push(item);
    }
  };
  walk(data, 0);
  return out;
}

const describe = (value: unknown) =>
  value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);

function toBigInts(name: string, values: unknown[], unsigned: boolean): BigInt64Array | BigUint64Array {
  const out = unsigned ? new BigUint64Array(values.length) : new BigInt64Array(values.length);
  const min = unsigned ? 0n : -(2n ** 63n);
  const max = unsigned ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let big: bigint;
    if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
    else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) big = BigInt(value);
    else
      throw bad(
        name,
        `element ${i} is ${describe(value)}, not an integer (${unsigned ? 'UINT64' : 'INT64'}; send integers beyond 2^53 as strings).`,
      );
    if (big < min || big > max) throw bad(name, `element ${i} (${value}) is out of range for ${unsigned ? 'UINT64' : 'INT64'}.`);
    out[i] = big;
  }
  return out;
}

/** Converts flat JSON values to the typed data of `datatype`, naming the input and element on any misfit. */
export function convertValues(name: string, datatype: OipDatatype, values: unknown[]): TensorData {
  const n = values.length;
  switch (datatype) {
    case 'BYTES': {
      for (let i = 0; i < n; i++)
        if (typeof values[i] !== 'string') throw bad(name, `element ${i} is ${describe(values[i])}, not a string (BYTES).`);
      return values as string[];
    }
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (value === true || value === 1) out[i] = 1;
        else if (value !== false && value !== 0) throw bad(name, `element ${i} is ${describe(value)}, not a boolean (BOOL).`);
      }
      return out;
    }
    case 'INT64':
    case 'UINT64':
      return toBigInts(name, values, datatype === 'UINT64');
    case 'FP16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (typeof value !== 'number') throw bad(name, `element ${i} is ${describe(value)}, not a number (FP16).`);
        out[i] = toFloat16Bits(value);
      }
      return out;
    }
    case 'FP32':
    case 'FP64': {
      const out = new arrayTypes[datatype](n);
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (typeof value !== 'number') throw bad(name, `element ${i} is ${describe(value)}, not a number (${datatype}).`);
        out[i] = value;
      }
      return out;
    }
    default: {
      const [min, max] = intRanges[datatype] as [number, number];
      const out = new arrayTypes[datatype](n);
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (typeof value !== 'number' || !Number.isInteger(value))
          throw bad(name, `element ${i} is ${describe(value)}, not an integer (${datatype}).`);
        if (value < min || value > max) throw bad(name, `element ${i} (${value}) is out of range for ${datatype} (${min}..${max}).`);
        out[i] = value;
      }
      return out;
    }
  }
}

function checkShape(input: RequestTensor, spec: TensorSpec): void {
  const { name, shape } = input;
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0))
    throw bad(name, `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}.`);
  if (!spec.shaped) return;
  const wanted = formatShape(spec.shape);
  if (shape.length !== spec.shape.length)
    throw bad(
      name,
      `shape ${formatShape(shape)} has ${shape.length} dimensions; the model takes ${spec.shape.length}: ${wanted} (-1 is any size).`,
    );
  spec.shape.forEach((dim, index) => {
    if (dim >= 0 && shape[index] !== dim)
      throw bad(name, `dimension ${index} is ${shape[index]}; the model takes ${dim} there (shape ${wanted}, -1 is any size).`);
  });
}

/** Checks a request input's datatype and shape against the model's declaration (JSON or binary data alike). */
export function checkInputHeader(input: RequestTensor, spec: TensorSpec): void {
  const { name } = input;
  if (!isOipDatatype(input.datatype)) throw bad(name, `datatype ${JSON.stringify(input.datatype)} is not an OIP datatype.`);
  if (input.datatype !== spec.datatype)
    throw bad(name, `datatype is ${input.datatype}; the model takes ${spec.datatype}. Send the data as ${spec.datatype}.`);
  checkShape(input, spec);
}

/**
 * Checks one request input against the model's declaration (datatype, rank, fixed dimensions) and
 * against its own data (element count and types), and converts it to typed data. Every misfit is a
 * 400 that names the input.
 */
export function decodeInputTensor(input: RequestTensor, spec: TensorSpec): HostTensor {
  const { name } = input;
  checkInputHeader(input, spec);
  const values = flatten(name, input.data);
  const expected = elementCount(input.shape);
  if (values.length !== expected)
    throw bad(name, `shape ${formatShape(input.shape)} holds ${expected} elements but data has ${values.length}.`);
  return { name, datatype: spec.datatype, shape: input.shape, data: convertValues(name, spec.datatype, values) };
}
