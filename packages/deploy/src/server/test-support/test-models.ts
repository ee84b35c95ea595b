import { buildOnnxModel, floatInitializer, int64Initializer, OnnxType } from './onnx-builder.js';

/** `sum = a + b`, `product = a * b` on [N, 3] float32: two inputs, two outputs, a dynamic batch. */
export const addMulModel = () =>
  buildOnnxModel({
    inputs: [
      { name: 'a', type: OnnxType.FLOAT, shape: ['N', 3] },
      { name: 'b', type: OnnxType.FLOAT, shape: ['N', 3] },
    ],
    outputs: [
      { name: 'sum', type: OnnxType.FLOAT, shape: ['N', 3] },
      { name: 'product', type: OnnxType.FLOAT, shape: ['N', 3] },
    ],
    nodes: [
      { op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] },
      { op: 'Mul', inputs: ['a', 'b'], outputs: ['product'] },
    ],
  });

/** `y = x · W + c` with x [N, 4], W [4, 2]: a dense layer. */
export const matMulModel = () =>
  buildOnnxModel({
    inputs: [{ name: 'x', type: OnnxType.FLOAT, shape: ['batch', 4] }],
    outputs: [{ name: 'y', type: OnnxType.FLOAT, shape: ['batch', 2] }],
    initializers: [floatInitializer('W', [4, 2], [0.5, -1, 0.25, 2, -0.75, 1.5, 1, 0.125]), floatInitializer('c', [2], [0.1, -0.2])],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
      { op: 'Add', inputs: ['xw', 'c'], outputs: ['y'] },
    ],
  });

/** Every datatype through Identity, plus int64 arithmetic and a boolean Not, on [N] vectors. */
export const allTypesModel = () => {
  const types: [string, number][] = [
    ['fp32', OnnxType.FLOAT],
    ['fp64', OnnxType.DOUBLE],
    ['fp16', OnnxType.FLOAT16],
    ['i8', OnnxType.INT8],
    ['i16', OnnxType.INT16],
    ['i32', OnnxType.INT32],
    ['u8', OnnxType.UINT8],
    ['u16', OnnxType.UINT16],
    ['u32', OnnxType.UINT32],
    ['u64', OnnxType.UINT64],
    ['text', OnnxType.STRING],
  ];
  return buildOnnxModel({
    inputs: [
      ...types.map(([name, type]) => ({ name, type, shape: ['N'] })),
      { name: 'i64', type: OnnxType.INT64, shape: ['N'] },
      { name: 'flag', type: OnnxType.BOOL, shape: ['N'] },
    ],
    outputs: [
      ...types.map(([name, type]) => ({ name: `${name}_out`, type, shape: ['N'] })),
      { name: 'i64_plus', type: OnnxType.INT64, shape: ['N'] },
      { name: 'not_flag', type: OnnxType.BOOL, shape: ['N'] },
    ],
    initializers: [int64Initializer('seven', [], [7])],
    nodes: [
      ...types.map(([name]) => ({ op: 'Identity', inputs: [name], outputs: [`${name}_out`] })),
      { op: 'Add', inputs: ['i64', 'seven'], outputs: ['i64_plus'] },
      { op: 'Not', inputs: ['flag'], outputs: ['not_flag'] },
    ],
  });
};

/** A fixed [2, 2] input (no dynamic dimension: never batched). */
export const fixedShapeModel = () =>
  buildOnnxModel({
    inputs: [{ name: 'm', type: OnnxType.FLOAT, shape: [2, 2] }],
    outputs: [{ name: 't', type: OnnxType.FLOAT, shape: [2, 2] }],
    nodes: [{ op: 'Transpose', inputs: ['m'], outputs: ['t'], attributes: [{ name: 'perm', ints: [1, 0] }] }],
  });

/** Sums over the batch (ReduceSum over axis 0): outputs that cannot be split back per request. */
export const batchSumModel = () =>
  buildOnnxModel({
    inputs: [{ name: 'x', type: OnnxType.FLOAT, shape: ['N', 2] }],
    outputs: [{ name: 'total', type: OnnxType.FLOAT, shape: ['M', 2] }],
    initializers: [int64Initializer('axes', [1], [0])],
    nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['total'], attributes: [{ name: 'keepdims', int: 1 }] }],
  });
