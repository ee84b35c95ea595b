import type { HostTensor, TensorData, TensorSpec } from './tensor-spec.js';
import { elementCount } from './tensor-spec.js';

function zeros(datatype: TensorSpec['datatype'], count: number): TensorData {
  switch (datatype) {
    case 'BYTES':
      return Array.from({ length: count }, () => '');
    case 'FP32':
      return new Float32Array(count);
    case 'FP64':
      return new Float64Array(count);
    case 'INT8':
      return new Int8Array(count);
    case 'INT16':
      return new Int16Array(count);
    case 'INT32':
      return new Int32Array(count);
    case 'INT64':
      return new BigInt64Array(count);
    case 'UINT16':
    case 'FP16':
      return new Uint16Array(count);
    case 'UINT32':
      return new Uint32Array(count);
    case 'UINT64':
      return new BigUint64Array(count);
    default:
      return new Uint8Array(count); // UINT8, BOOL
  }
}

/** A zero input for each spec, dynamic dimensions 1: the warm-up run's feed. */
export function zeroInputs(specs: readonly TensorSpec[]): HostTensor[] {
  return specs.map((spec) => {
    const shape = spec.shaped ? spec.shape.map((dim) => (dim < 0 ? 1 : dim)) : [1];
    return { name: spec.name, datatype: spec.datatype, shape, data: zeros(spec.datatype, elementCount(shape)) };
  });
}
