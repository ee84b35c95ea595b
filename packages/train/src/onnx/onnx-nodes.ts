import { type AttributeMessage, AttributeType, type NodeMessage, TensorDataType, type TensorMessage } from './onnx-proto.js';

const bytesOf = (values: Float64Array | Float32Array | BigInt64Array): Uint8Array =>
  // ONNX raw_data is little-endian, as typed arrays are on every platform Node supports.
  new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));

/**
 * Nodes and constants of a graph being built, each output named `<prefix>/<n>` so two builders (or a
 * builder and an exported graph) never clash. Constants are deduplicated by value.
 */
export class OnnxNodes {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private readonly constants = new Map<string, string>();
  private count = 0;

  constructor(private readonly prefix: string) {}

  private name(kind: string): string {
    this.count += 1;
    return `${this.prefix}/${kind}_${this.count}`;
  }

  /** Appends a node; returns its output (named `output` when given). */
  op(opType: string, inputs: string[], attribute: AttributeMessage[] = [], domain = '', output?: string): string {
    return this.ops(opType, inputs, 1, attribute, domain, output ? [output] : undefined)[0] as string;
  }

  /** Appends a node with `outputs` outputs. */
  ops(opType: string, inputs: string[], outputs: number, attribute: AttributeMessage[] = [], domain = '', names?: string[]): string[] {
    const name = this.name(opType.toLowerCase());
    const output = names ?? Array.from({ length: outputs }, (_, index) => `${name}_out${index}`);
    this.nodes.push({ name, opType, input: inputs, output, ...(domain ? { domain } : {}), ...(attribute.length ? { attribute } : {}) });
    return output;
  }

  private constant(key: string, make: (name: string) => TensorMessage): string {
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.name('const');
    this.initializers.push(make(name));
    this.constants.set(key, name);
    return name;
  }

  /** A double scalar. */
  double(value: number): string {
    return this.constant(`d:${Object.is(value, -0) ? '-0' : value}`, (name) => ({
      name,
      dims: [],
      dataType: TensorDataType.DOUBLE,
      rawData: bytesOf(Float64Array.of(value)),
    }));
  }

  /** A float32 vector. */
  floats(values: number[]): string {
    return this.constant(`f:${values.join(',')}`, (name) => this.floatTensor(values, [values.length], name));
  }

  floatTensor(values: number[], dims: number[], name = ''): TensorMessage {
    return { name, dims, dataType: TensorDataType.FLOAT, rawData: bytesOf(Float32Array.from(values)) };
  }

  /** An int64 tensor: a vector by default, a scalar with `dims` []. */
  int64s(values: number[], dims: number[] = [values.length]): string {
    return this.constant(`i:${dims.join('x')}:${values.join(',')}`, (name) => ({
      name,
      dims,
      dataType: TensorDataType.INT64,
      rawData: bytesOf(BigInt64Array.from(values, BigInt)),
    }));
  }

  /** `x` cast from double to float32 (round to nearest, as storing into a Float32Array). */
  toFloat(x: string): string {
    return this.op('Cast', [x], [this.intAttribute('to', TensorDataType.FLOAT)]);
  }

  /** `[N]` → `[N, 1]`. */
  column(x: string): string {
    return this.op('Unsqueeze', [x, this.int64s([1])]);
  }

  intAttribute(name: string, i: number): AttributeMessage {
    return { name, type: AttributeType.INT, i };
  }

  intsAttribute(name: string, ints: number[]): AttributeMessage {
    return { name, type: AttributeType.INTS, ints };
  }

  stringsAttribute(name: string, strings: string[]): AttributeMessage {
    const encoder = new TextEncoder();
    return { name, type: AttributeType.STRINGS, strings: strings.map((value) => encoder.encode(value)) };
  }

  tensorAttribute(name: string, t: TensorMessage): AttributeMessage {
    return { name, type: AttributeType.TENSOR, t };
  }
}
