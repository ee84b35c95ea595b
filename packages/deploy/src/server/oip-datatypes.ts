import type { Tensor } from 'onnxruntime-node';

/** The Open Inference Protocol's tensor datatypes (KServe v2). */
export const oipDatatypes = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type OipDatatype = (typeof oipDatatypes)[number];

/** onnxruntime's tensor type for each OIP datatype. */
export const ortTypeOf: Record<OipDatatype, Tensor.Type> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const byOrtType = new Map<string, OipDatatype>(Object.entries(ortTypeOf).map(([oip, ort]) => [ort, oip as OipDatatype]));

/** The OIP datatype of an onnxruntime tensor type, or undefined for one OIP has no name for (int4, uint4). */
export function oipDatatypeOf(type: string): OipDatatype | undefined {
  return byOrtType.get(type);
}

export function isOipDatatype(value: string): value is OipDatatype {
  return (oipDatatypes as readonly string[]).includes(value);
}
