import { MlpError } from '@mlp/core';
import type { LayersModel } from '../backend/tf.js';
import { trainVersion } from '../version.js';
import { AttributeType, encodeModel, type NodeMessage, TensorDataType, type TensorMessage, type ValueInfoMessage } from './onnx-proto.js';

export interface ExportOnnxOptions {
  /** The graph input's name; `input` by default. */
  inputName?: string;
  /** The graph output's name; `output` by default. */
  outputName?: string;
}

const IR_VERSION = 8;
const OPSET = 13;

/**
 * Exports a chain of dense layers (what `buildModel` makes) as an ONNX model: ir_version 8, opset 13,
 * input `[N, width]` float32 with a symbolic batch dimension. Dense → Gemm with the weights as
 * initializers, each activation as ONNX ops, Dropout dropped (inference). Any other layer is a
 * FAILED_PRECONDITION naming it.
 */
export function exportOnnx(model: LayersModel, options: ExportOnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  if (inputName === outputName)
    throw new MlpError('INVALID_ARGUMENT', `The ONNX input and output need different names, both are '${inputName}'.`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `ONNX export takes a model with one input and one output; ${model.name} has ${model.inputs.length} and ${model.outputs.length}.`,
    );
  const width = model.inputs[0]?.shape[1];
  if (typeof width !== 'number')
    throw new MlpError('FAILED_PRECONDITION', `ONNX export needs a fixed input width; ${model.name} takes ${String(width)}.`);

  const graph = new GraphBuilder(inputName);
  let units = width;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    const config = layer.getConfig() as { activation?: string; units?: number; useBias?: boolean; name?: string };
    if (kind === 'InputLayer' || kind === 'Dropout') continue;
    if (kind === 'Dense') {
      const [kernel, bias] = layer.getWeights();
      if (!kernel) throw new MlpError('INTERNAL', `Dense layer ${layer.name} has no kernel.`);
      const inputs = [
        graph.current,
        graph.initializer(`${layer.name}/kernel`, kernel.shape as number[], kernel.dataSync() as Float32Array),
      ];
      if (config.useBias !== false && bias)
        inputs.push(graph.initializer(`${layer.name}/bias`, bias.shape as number[], bias.dataSync() as Float32Array));
      graph.op('Gemm', inputs);
      units = kernel.shape[1] as number;
      addActivation(graph, config.activation ?? 'linear', layer.name);
    } else if (kind === 'Activation') {
      addActivation(graph, config.activation ?? 'linear', layer.name);
    } else {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Layer ${layer.name} (${kind}) has no ONNX export: only Dense, Activation and Dropout layers export. Serve this model with the tfjs runtime.`,
      );
    }
  }
  return graph.finish(outputName, width, units);
}

function addActivation(graph: GraphBuilder, activation: string, layerName: string): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'softplus':
      graph.op(onnxName[activation]);
      return;
    case 'elu':
      graph.op('Elu', [graph.current], [{ name: 'alpha', type: AttributeType.FLOAT, f: 1 }]);
      return;
    case 'selu':
      // tfjs's constants; ONNX's defaults are the same values rounded to float32.
      graph.op(
        'Selu',
        [graph.current],
        [
          { name: 'alpha', type: AttributeType.FLOAT, f: 1.6732632423543772 },
          { name: 'gamma', type: AttributeType.FLOAT, f: 1.0507009873554805 },
        ],
      );
      return;
    case 'softmax':
      graph.op('Softmax', [graph.current], [{ name: 'axis', type: AttributeType.INT, i: -1 }]);
      return;
    case 'swish': {
      // x · sigmoid(x)
      const x = graph.current;
      const gate = graph.op('Sigmoid');
      graph.op('Mul', [x, gate]);
      return;
    }
    case 'gelu': {
      // tfjs-layers' 'gelu' is the exact form 0.5 · x · (1 + erf(x / √2)); opset 13 has Erf but no Gelu op.
      const x = graph.current;
      graph.op('Div', [x, graph.scalar('gelu/sqrt2', Math.SQRT2)]);
      graph.op('Erf');
      graph.op('Add', [graph.current, graph.scalar('gelu/one', 1)]);
      graph.op('Mul', [x, graph.current]);
      graph.op('Mul', [graph.current, graph.scalar('gelu/half', 0.5)]);
      return;
    }
    default:
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Layer ${layerName} uses the activation '${activation}', which has no ONNX export; use one of relu, elu, selu, tanh, sigmoid, softplus, swish, gelu, linear.`,
      );
  }
}

const onnxName = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', softplus: 'Softplus' } as const;

/** Builds a linear chain of nodes: each op reads the previous output unless told otherwise. */
class GraphBuilder {
  current: string;
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly scalars = new Map<string, string>();

  constructor(private readonly inputName: string) {
    this.current = inputName;
  }

  /** Appends a node and returns (and makes current) its output name. */
  op(opType: string, inputs: string[] = [this.current], attribute: NodeMessage['attribute'] = []): string {
    const name = `${opType.toLowerCase()}_${this.nodes.length}`;
    const output = `${name}_out`;
    this.nodes.push({ name, opType, input: inputs, output: [output], ...(attribute.length ? { attribute } : {}) });
    this.current = output;
    return output;
  }

  initializer(name: string, dims: number[], values: Float32Array): string {
    // ONNX raw_data is little-endian, as Float32Array is on every platform Node supports.
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push({ name, dims, dataType: TensorDataType.FLOAT, rawData: bytes });
    return name;
  }

  scalar(name: string, value: number): string {
    const existing = this.scalars.get(name);
    if (existing) return existing;
    this.scalars.set(name, name);
    return this.initializer(name, [], Float32Array.of(value));
  }

  finish(outputName: string, width: number, units: number): Uint8Array {
    // The last node writes the graph output; a model with no node at all (impossible for a built model) gets an Identity.
    if (this.nodes.length === 0) this.op('Identity');
    const last = this.nodes.at(-1) as NodeMessage;
    last.output = [outputName];
    const valueInfo = (name: string, dims: number): ValueInfoMessage => ({
      name,
      type: { tensorType: { elemType: TensorDataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: dims }] } } },
    });
    return encodeModel({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'mlp',
      producerVersion: trainVersion(),
      graph: {
        name: 'mlp',
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(this.inputName, width)],
        output: [valueInfo(outputName, units)],
      },
    });
  }
}
