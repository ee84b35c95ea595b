import { stringify } from 'yaml';
import type { Cell } from '../data/table.js';
import type { FeatureState } from '../features/preprocessor-state.js';
import type { TargetState } from '../features/target-encoder.js';
import { columnInputs, columnOutputs } from '../onnx/column-graph.js';
import { columnValue } from '../onnx/column-values.js';
import { type PackageManifest, packageFiles } from './package-manifest.js';

/** The MLflow release whose model format these files follow (MLmodel fields, input example, env files). */
export const MLFLOW_FORMAT_VERSION = '2.16.2';
/** The Python the environment files name; MLflow needs one, and the ONNX model runs on any 3.9+. */
export const PYTHON_VERSION = '3.10.12';
const PIP_REQUIREMENTS = [`mlflow>=${MLFLOW_FORMAT_VERSION}`, 'onnx>=1.16.0', 'onnxruntime>=1.17.0'];

export interface MlflowModelInfo {
  manifest: PackageManifest;
  features: readonly FeatureState[];
  target: TargetState;
  /** The tracked run the package belongs to, when there is one. */
  runId?: string;
  /** `uuid.uuid4().hex`, as MLflow's `model_uuid`. */
  modelUuid: string;
  records: readonly Record<string, unknown>[];
}

/** The files that make a package an MLflow model, by name: MLmodel, the input example, the environment. */
export function mlflowModelFiles(info: MlflowModelInfo): Record<string, string> {
  const example = inputExample(info.features, info.records);
  const onnx = info.manifest.runtimes.onnx;
  return {
    [packageFiles.mlmodel]: mlmodel(info),
    [packageFiles.mlflowInputExample]: pythonJson(example),
    [packageFiles.mlflowServingInput]: `${JSON.stringify({ dataframe_split: example }, null, 2)}`,
    ...(onnx
      ? {
          [packageFiles.condaEnv]: yaml({
            channels: ['conda-forge'],
            dependencies: [`python=${PYTHON_VERSION}`, 'pip', { pip: PIP_REQUIREMENTS }],
            name: 'mlflow-env',
          }),
          [packageFiles.pythonEnv]: yaml({
            python: PYTHON_VERSION,
            build_dependencies: ['pip', 'setuptools', 'wheel'],
            dependencies: [`-r ${packageFiles.requirements}`],
          }),
          [packageFiles.requirements]: `${PIP_REQUIREMENTS.join('\n')}\n`,
        }
      : {}),
  };
}

/**
 * MLflow's column specs of the raw-column ONNX model, as JSON text the way `ModelSignature.to_dict`
 * writes them: `[{"type": "double", "name": "distance", "required": true}, …]`.
 */
export function mlflowSignature(features: readonly FeatureState[], target: TargetState): { inputs: string; outputs: string } {
  const inputs = columnInputs({ format: 'mlp-preprocessor', version: 1, features: [...features] as [FeatureState, ...FeatureState[]] });
  return {
    inputs: pythonJson(inputs.map((input) => ({ type: input.type, name: input.name, required: true }))),
    outputs: pythonJson(columnOutputs(target).map((name) => ({ type: 'float', name, required: true }))),
  };
}

/** Split-oriented pandas, as `mlflow.models.utils` saves a DataFrame example: raw values as the ONNX model takes them. */
function inputExample(features: readonly FeatureState[], records: readonly Record<string, unknown>[]) {
  return {
    columns: features.map((feature) => feature.name),
    data: records.map((record) =>
      features.map((feature) => {
        const value = columnValue(feature, (record[feature.name] ?? null) as Cell);
        // pandas writes NaN as None; a float64 column's whole numbers as 1.0.
        if (typeof value === 'string') return value;
        return Number.isNaN(value) ? null : new PythonFloat(value);
      }),
    ),
  };
}

function mlmodel(info: MlflowModelInfo): string {
  const { manifest } = info;
  const onnx = manifest.runtimes.onnx;
  const flavors: Record<string, unknown> = {
    mlp: { format: manifest.format, format_version: manifest.version, mlp_version: manifest.mlpVersion, task: manifest.task },
    ...(onnx
      ? {
          onnx: {
            code: null,
            data: packageFiles.onnx,
            onnx_session_options: null,
            onnx_version: '1.16.0',
            providers: ['CPUExecutionProvider'],
          },
          python_function: {
            code: null,
            data: packageFiles.onnx,
            env: { conda: packageFiles.condaEnv, virtualenv: packageFiles.pythonEnv },
            loader_module: 'mlflow.onnx',
            python_version: PYTHON_VERSION,
          },
        }
      : {}),
  };
  // MLflow's yaml.safe_dump sorts keys; these are in that order.
  return yaml({
    artifact_path: 'model',
    flavors,
    mlflow_version: MLFLOW_FORMAT_VERSION,
    model_uuid: info.modelUuid,
    ...(info.runId ? { run_id: info.runId } : {}),
    saved_input_example_info: {
      artifact_path: packageFiles.mlflowInputExample,
      pandas_orient: 'split',
      serving_input_path: packageFiles.mlflowServingInput,
      type: 'dataframe',
    },
    signature: { ...mlflowSignature(info.features, info.target), params: null },
    utc_time_created: mlflowTime(manifest.createdAt),
  });
}

/** `str(datetime.utcnow())`: `2024-05-01 12:34:56.123456`. */
export function mlflowTime(iso: string): string {
  const date = new Date(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${String(date.getUTCMilliseconds()).padStart(3, '0')}000`;
}

/** A number Python's json writes as a float: `1.0`, not `1`. */
class PythonFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

/** `json.dumps` with Python's defaults: `", "` and `": "` separators, non-ASCII escaped. */
function pythonJson(value: unknown): string {
  if (value instanceof PythonFloat)
    return Number.isInteger(value.value) && Math.abs(value.value) < 1e16 ? `${value.value}.0` : JSON.stringify(value.value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, entry]) => `${pythonJson(key)}: ${pythonJson(entry)}`)
      .join(', ')}}`;
  if (typeof value === 'string')
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(value);
}

/** YAML as PyYAML's `safe_dump(default_flow_style=False)` writes it: YAML 1.1 quoting (a time stays text), sequences unindented. */
function yaml(value: Record<string, unknown>): string {
  return stringify(value, { version: '1.1', indentSeq: false, lineWidth: 0, singleQuote: true });
}
