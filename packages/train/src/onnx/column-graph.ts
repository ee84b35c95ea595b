import { MlpError } from '@mlp/core';
import type { FeatureState, PreprocessorState } from '../features/preprocessor-state.js';
import type { TargetState } from '../features/target-encoder.js';
import { datePartGraph } from './date-part-graph.js';
import { OnnxNodes } from './onnx-nodes.js';
import { decodeModel, encodeModel, type ModelMessage, TensorDataType, type ValueInfoMessage } from './onnx-proto.js';

/** One graph input of the raw-column model: its name (the feature's) and ONNX element type. */
export interface ColumnInput {
  name: string;
  /** `double` for numeric features and dates (epoch milliseconds, UTC), `string` for categorical ones. */
  type: 'double' | 'string';
}

/** The raw-column model's inputs, one per feature in preprocessing order. */
export function columnInputs(features: PreprocessorState): ColumnInput[] {
  return features.features.map((feature) => ({ name: feature.name, type: feature.type === 'categorical' ? 'string' : 'double' }));
}

/**
 * The raw-column model's outputs, each `[N]` float32: `prediction` for regression, else one
 * `probability(<class>)` per model output column (binary: only the positive class, as `predictOutputs`).
 */
export function columnOutputs(target: TargetState): string[] {
  if (target.task === 'regression') return ['prediction'];
  const classes = target.classes ?? [];
  const scored = target.task === 'binary' ? classes.slice(1) : classes;
  return scored.map((value) => `probability(${String(value)})`);
}

const ML_DOMAIN = 'ai.onnx.ml';

/**
 * Puts the fitted preprocessing inside an exported matrix model, so it takes raw columns: one input
 * per feature, `[N]` each, and gives one `[N]` output per model output column. Numeric: NaN is missing
 * (imputed with the training fill), then standardized; categorical: text, one-hot with the unknown
 * bucket for unseen and missing (empty) values; date: epoch milliseconds (UTC) as double, NaN missing
 * (each part imputed with its training mean), parts computed with integer-valued double arithmetic.
 * Every step runs in double and is cast to float32 last, as `Preprocessor.transform` rounds, so the
 * matrix the dense layers see is bit-identical.
 */
export function addColumnInputs(matrixModel: Uint8Array, features: PreprocessorState, target: TargetState): Uint8Array {
  const model = decodeModel(matrixModel);
  const graph = model.graph;
  const [matrixInput] = graph.input;
  const [matrixOutput] = graph.output;
  if (!matrixInput || !matrixOutput || graph.input.length !== 1 || graph.output.length !== 1)
    throw new MlpError(
      'FAILED_PRECONDITION',
      'Preprocessing goes into an ONNX model with one matrix input and one output; this one differs.',
    );
  const names = new Set(features.features.map((feature) => feature.name));
  const outputs = columnOutputs(target);
  for (const name of outputs)
    if (names.has(name))
      throw new MlpError(
        'FAILED_PRECONDITION',
        `The feature ${JSON.stringify(name)} has the name of an ONNX output; rename the column to export the raw-column ONNX model.`,
      );

  const nodes = new OnnxNodes('pre');
  const pieces = features.features.map((feature) => featureColumns(nodes, feature));
  // The matrix the dense layers read: the old graph input's name, now computed.
  nodes.op('Concat', pieces, [nodes.intAttribute('axis', 1)], '', matrixInput.name);

  // One [N] output per model output column, after the dense layers.
  const post = new OnnxNodes('post');
  const squeeze = post.int64s([1]);
  const split =
    outputs.length === 1
      ? [matrixOutput.name]
      : post.ops('Split', [matrixOutput.name, post.int64s(outputs.map(() => 1))], outputs.length, [post.intAttribute('axis', 1)]);
  split.forEach((column, index) => {
    post.op('Squeeze', [column, squeeze], [], '', outputs[index]);
  });

  const vector = (name: string, elemType: number): ValueInfoMessage => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }] } } },
  });
  const result: ModelMessage = {
    ...model,
    opsetImport: [...model.opsetImport.filter((opset) => opset.domain !== ML_DOMAIN), { domain: ML_DOMAIN, version: 2 }],
    graph: {
      ...graph,
      node: [...nodes.nodes, ...graph.node, ...post.nodes],
      initializer: [...graph.initializer, ...nodes.initializers, ...post.initializers],
      input: columnInputs(features).map((input) =>
        vector(input.name, input.type === 'string' ? TensorDataType.STRING : TensorDataType.DOUBLE),
      ),
      output: outputs.map((name) => vector(name, TensorDataType.FLOAT)),
    },
  };
  return encodeModel(result);
}

/** The float32 `[N, k]` matrix columns of one feature, from its raw `[N]` input. */
function featureColumns(nodes: OnnxNodes, feature: FeatureState): string {
  switch (feature.type) {
    case 'numeric': {
      const x = feature.name;
      const filled = nodes.op('Where', [nodes.op('IsNaN', [x]), nodes.double(feature.fill), x]);
      const scaled = feature.standardize
        ? nodes.op('Div', [nodes.op('Sub', [filled, nodes.double(feature.mean)]), nodes.double(feature.std)])
        : filled;
      return nodes.column(nodes.toFloat(scaled));
    }
    case 'categorical': {
      const unknown = feature.categories.length;
      if (unknown === 0) {
        // Everything is unknown: a column of ones.
        const shape = nodes.op('Concat', [nodes.op('Shape', [feature.name]), nodes.int64s([1])], [nodes.intAttribute('axis', 0)]);
        return nodes.op('ConstantOfShape', [shape], [nodes.tensorAttribute('value', nodes.floatTensor([1], [1]))]);
      }
      const index = nodes.op(
        'LabelEncoder',
        [feature.name],
        [
          nodes.stringsAttribute('keys_strings', feature.categories),
          nodes.intsAttribute(
            'values_int64s',
            feature.categories.map((_, position) => position),
          ),
          nodes.intAttribute('default_int64', unknown),
        ],
        ML_DOMAIN,
      );
      return nodes.op('OneHot', [index, nodes.int64s([unknown + 1], []), nodes.floats([0, 1])], [nodes.intAttribute('axis', -1)]);
    }
    case 'date': {
      const x = feature.name;
      const missing = nodes.op('IsNaN', [x]);
      const parts = datePartGraph(nodes, x);
      return nodes.op(
        'Concat',
        feature.parts.map(({ part, mean, std }) => {
          const scaled = nodes.op('Div', [nodes.op('Sub', [parts(part), nodes.double(mean)]), nodes.double(std)]);
          return nodes.column(nodes.toFloat(nodes.op('Where', [missing, nodes.double(0), scaled])));
        }),
        [nodes.intAttribute('axis', 1)],
      );
    }
  }
}
