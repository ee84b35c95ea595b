import { MlpError } from '@mlp/core';
import type { OipDatatype } from './oip-datatypes.js';
import { elementCount, formatShape, type HostTensor, type TensorData } from './tensor-spec.js';

/**
 * OIP's binary tensor data extension (KServe v2, Triton's `binary_tensor_data`): a tensor's values
 * travel after the JSON object of the body, little-endian, row-major, without padding; BOOL one byte
 * (0 or 1); BYTES each element a 4-byte little-endian length and its bytes. The JSON's length is the
 * `Inference-Header-Content-Length` header; each tensor's byte count is its `binary_data_size` parameter.
 */
export const inferenceHeaderLength = 'inference-header-content-length';

const bad = (name: string, why: string) => new MlpError('INVALID_ARGUMENT', `Input '${name}': ${why}`, { details: { input: name } });

type FixedType = Exclude<OipDatatype, 'BYTES'>;

const arrayTypes: Record<FixedType, { BYTES_PER_ELEMENT: number; new (buffer: ArrayBuffer): Exclude<TensorData, string[]> }> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  // Half floats stay as their bits, as the JSON decoder keeps them.
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

// Fatal: BYTES elements become onnxruntime strings, which must be text.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits a body into its JSON header and the binary part after it, checking the declared header length. */
export function splitBinaryBody(body: Buffer, declared: string): { json: Buffer; binary: Buffer } {
  const length = Number(declared);
  if (!/^\d+$/.test(declared.trim()) || length > body.length)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${inferenceHeaderLength} is ${JSON.stringify(declared)}: it must be the byte length of the JSON object at the start of the body (${body.length} bytes).`,
    );
  if (length === 0)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${inferenceHeaderLength} is 0: this server needs the JSON object (inputs with their name, shape, datatype and binary_data_size) before the binary data.`,
    );
  return { json: body.subarray(0, length), binary: body.subarray(length) };
}

/** The values of one binary input (`bytes`: exactly its `binary_data_size`), checked against its shape. */
export function decodeBinaryTensor(name: string, datatype: OipDatatype, shape: readonly number[], bytes: Buffer): TensorData {
  const count = elementCount(shape);
  if (datatype === 'BYTES') return decodeBinaryStrings(name, count, bytes);
  const Type = arrayTypes[datatype];
  const expected = count * Type.BYTES_PER_ELEMENT;
  if (bytes.length !== expected)
    throw bad(
      name,
      `binary_data_size is ${bytes.length} bytes but shape ${formatShape(shape)} of ${datatype} holds ${count} elements of ${Type.BYTES_PER_ELEMENT} bytes (${expected}).`,
    );
  // A copy into a buffer of its own: aligned for the typed array, and the body can be released.
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  const data = new Type(copy);
  if (datatype === 'BOOL') {
    const bools = data as Uint8Array;
    for (let i = 0; i < bools.length; i++)
      if ((bools[i] as number) > 1) throw bad(name, `element ${i} is the byte ${bools[i]}; BOOL takes 0 or 1.`);
  }
  return data;
}

function decodeBinaryStrings(name: string, count: number, bytes: Buffer): string[] {
  const out = new Array<string>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length)
      throw bad(name, `binary data ends at element ${i} of ${count} (each BYTES element is a 4-byte length and its bytes).`);
    const length = bytes.readUInt32LE(offset);
    offset += 4;
    if (offset + length > bytes.length)
      throw bad(name, `element ${i} declares ${length} bytes but only ${bytes.length - offset} are left.`);
    try {
      out[i] = utf8.decode(bytes.subarray(offset, offset + length));
    } catch {
      throw bad(name, `element ${i} is not UTF-8 text; the model takes strings.`);
    }
    offset += length;
  }
  if (offset !== bytes.length) throw bad(name, `binary_data_size is ${bytes.length} bytes but its ${count} elements take ${offset}.`);
  return out;
}

/** A tensor's values as the extension's bytes (zero-copy for numeric data). */
export function encodeBinaryTensor(tensor: HostTensor): Buffer {
  const { data } = tensor;
  if (!Array.isArray(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const parts: Buffer[] = [];
  for (const value of data) {
    const text = Buffer.from(value, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(text.length, 0);
    parts.push(length, text);
  }
  return Buffer.concat(parts);
}
