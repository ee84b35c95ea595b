/**
 * A minimal ONNX (protobuf) writer for tests: enough of onnx.proto to build small graphs of any
 * tensor type, with dynamic dimensions, so tests need neither Python nor model files. Field numbers
 * are those of onnx/onnx.proto. (@mlp/train has a fuller writer, but keeps it internal.)
 */

export const OnnxType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

class Writer {
  private readonly bytes: number[] = [];

  private varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    for (const byte of value) this.bytes.push(byte);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const buffer = new DataView(new ArrayBuffer(4));
    buffer.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.bytes.push(buffer.getUint8(i));
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** A dimension: a size, or a name for a dynamic one (`'N'`). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: number;
  /** Undefined leaves the shape undeclared. */
  shape?: Dim[];
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: { name: string; int?: number; float?: number; ints?: number[] }[];
}

export interface Initializer {
  name: string;
  type: number;
  dims: number[];
  /** Little-endian raw data. */
  raw: Uint8Array;
}

export interface GraphSpec {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: Node[];
  initializers?: Initializer[];
  opset?: number;
}

function valueInfo(writer: Writer, field: number, info: ValueInfo): void {
  writer.message(field, (value) => {
    value.string(1, info.name);
    value.message(2, (type) =>
      type.message(1, (tensor) => {
        tensor.int(1, info.type);
        if (info.shape)
          tensor.message(2, (shape) => {
            for (const dim of info.shape ?? []) shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
          });
      }),
    );
  });
}

/** The ONNX bytes of a one-graph model. */
export function buildOnnxModel(spec: GraphSpec): Uint8Array {
  const model = new Writer();
  model.int(1, 8); // ir_version
  model.string(2, 'mlp-deploy-tests');
  model.message(8, (opset) => opset.string(1, '').int(2, spec.opset ?? 17));
  model.message(7, (graph) => {
    spec.nodes.forEach((node, index) => {
      graph.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, `${node.op.toLowerCase()}_${index}`);
        n.string(4, node.op);
        for (const attribute of node.attributes ?? [])
          n.message(5, (a) => {
            a.string(1, attribute.name);
            if (attribute.int !== undefined) a.int(3, attribute.int).int(20, 2);
            else if (attribute.float !== undefined) a.float(2, attribute.float).int(20, 1);
            else if (attribute.ints) {
              for (const value of attribute.ints) a.int(8, value);
              a.int(20, 7);
            }
          });
      });
    });
    graph.string(2, 'graph');
    for (const init of spec.initializers ?? [])
      graph.message(5, (t) => {
        for (const dim of init.dims) t.int(1, dim);
        t.int(2, init.type);
        t.string(8, init.name);
        t.bytesField(9, init.raw);
      });
    for (const input of spec.inputs) valueInfo(graph, 11, input);
    for (const output of spec.outputs) valueInfo(graph, 12, output);
  });
  return model.finish();
}

/** A float32 initializer. */
export function floatInitializer(name: string, dims: number[], values: number[]): Initializer {
  return { name, type: OnnxType.FLOAT, dims, raw: new Uint8Array(Float32Array.from(values).buffer) };
}

/** An int64 initializer. */
export function int64Initializer(name: string, dims: number[], values: number[]): Initializer {
  return { name, type: OnnxType.INT64, dims, raw: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) };
}
