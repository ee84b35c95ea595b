import type { OipDatatype } from './oip-datatypes.js';

/** An input or output as the model declares it: `-1` stands for a dynamic dimension. */
export interface TensorSpec {
  name: string;
  datatype: OipDatatype;
  /** The model's dimensions, -1 where dynamic; empty when the model does not say (any shape). */
  shape: number[];
  /** Whether the model declares a shape at all (a scalar declares one: []). */
  shaped: boolean;
}

/** The data of a tensor as onnxruntime takes it. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A tensor in row-major order with its datatype and shape. */
export interface HostTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: TensorData;
}

export const elementCount = (shape: readonly number[]): number => shape.reduce((product, dim) => product * dim, 1);

export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
