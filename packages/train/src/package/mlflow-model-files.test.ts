import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FeatureState } from '../features/preprocessor-state.js';
import { mlflowModelFiles, mlflowTime } from './mlflow-model-files.js';
import type { PackageManifest } from './package-manifest.js';

const manifest: PackageManifest = {
  format: 'mlp-model',
  version: 1,
  name: 'flights',
  task: 'binary',
  target: 'late',
  classes: [false, true],
  inputWidth: 9,
  runtimes: { tfjs: true, onnx: true },
  onnxMatrix: 'model-matrix.onnx',
  modelType: 'mlp',
  createdAt: '2024-05-01T12:34:56.123Z',
  mlpVersion: '0.1.0',
};
const features: FeatureState[] = [
  { type: 'date', name: 'date', invalid: 'impute', parts: [{ part: 'hour', mean: 12, std: 6 }] },
  { type: 'numeric', name: 'distance', invalid: 'impute', impute: 'mean', fill: 900, standardize: true, mean: 900, std: 400 },
  { type: 'categorical', name: 'origin', invalid: 'impute', categories: ['SEA', 'SFO'] },
];
const target = { name: 'late', column: 'late', task: 'binary' as const, classes: [false, true], positiveClass: true };
const files = mlflowModelFiles({
  manifest,
  features,
  target,
  runId: '3f2a91c0d4e5',
  modelUuid: '0f3b5c7d9e1f4a6b8c0d2e4f6a8b0c1d',
  records: [
    { date: '2001-03-02T08:15:00Z', distance: 740, origin: 'SEA' },
    { date: null, distance: 'abc', origin: 'Zürich' },
  ],
});

describe('mlflowModelFiles', () => {
  it('writes MLmodel as MLflow does: sorted fields, signature as JSON text, pyfunc on the onnx loader', () => {
    expect(files.MLmodel).toBe(`artifact_path: model
flavors:
  mlp:
    format: mlp-model
    format_version: 1
    mlp_version: 0.1.0
    task: binary
  onnx:
    code: null
    data: model.onnx
    onnx_session_options: null
    onnx_version: 1.16.0
    providers:
    - CPUExecutionProvider
  python_function:
    code: null
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.10.12
mlflow_version: 2.16.2
model_uuid: 0f3b5c7d9e1f4a6b8c0d2e4f6a8b0c1d
run_id: 3f2a91c0d4e5
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_payload.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "date", "required": true}, {"type": "double", "name": "distance", "required": true}, {"type": "string", "name": "origin", "required": true}]'
  outputs: '[{"type": "float", "name": "probability(true)", "required": true}]'
  params: null
utc_time_created: '2024-05-01 12:34:56.123000'
`);
    // Any YAML reader gets the same values (strings stay strings: the time is not read as a timestamp).
    const parsed = parse(files.MLmodel as string);
    expect(parsed.utc_time_created).toBe('2024-05-01 12:34:56.123000');
    expect(parsed.run_id).toBe('3f2a91c0d4e5');
    // A run id of digits only stays text too.
    const digits = mlflowModelFiles({ manifest, features, target, runId: '12345', modelUuid: '0e12', records: [] });
    expect(parse(digits.MLmodel as string, { version: '1.1' })).toMatchObject({ run_id: '12345', model_uuid: '0e12' });
    expect(JSON.parse(parsed.signature.inputs)).toEqual([
      { type: 'double', name: 'date', required: true },
      { type: 'double', name: 'distance', required: true },
      { type: 'string', name: 'origin', required: true },
    ]);
  });

  it('writes the input example split-oriented, as pandas does: raw values the ONNX model takes, None for missing', () => {
    expect(files['input_example.json']).toBe(
      '{"columns": ["date", "distance", "origin"], "data": [[983520900000.0, 740.0, "SEA"], [null, null, "Z\\u00fcrich"]]}',
    );
    expect(JSON.parse(files['serving_input_payload.json'] as string)).toEqual({
      dataframe_split: JSON.parse(files['input_example.json'] as string),
    });
  });

  it('writes the environment files MLflow reads, naming what the ONNX model needs', () => {
    expect(files['requirements.txt']).toBe('mlflow>=2.16.2\nonnx>=1.16.0\nonnxruntime>=1.17.0\n');
    expect(files['python_env.yaml']).toBe(
      'python: 3.10.12\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n',
    );
    expect(parse(files['conda.yaml'] as string)).toEqual({
      channels: ['conda-forge'],
      dependencies: ['python=3.10.12', 'pip', { pip: ['mlflow>=2.16.2', 'onnx>=1.16.0', 'onnxruntime>=1.17.0'] }],
      name: 'mlflow-env',
    });
  });

  it('leaves the ONNX and pyfunc flavors and the environment out for a plugin model, and run_id when there is no run', () => {
    const plugin = mlflowModelFiles({
      manifest: { ...manifest, runtimes: { tfjs: false, onnx: false }, trainer: 'trees' },
      features,
      target,
      modelUuid: 'abc',
      records: [],
    });
    const parsed = parse(plugin.MLmodel as string);
    expect(Object.keys(parsed.flavors)).toEqual(['mlp']);
    expect(parsed.run_id).toBeUndefined();
    expect(Object.keys(plugin).sort()).toEqual(['MLmodel', 'input_example.json', 'serving_input_payload.json']);
  });

  it('formats times as str(datetime)', () => {
    expect(mlflowTime('2026-01-02T03:04:05.007Z')).toBe('2026-01-02 03:04:05.007000');
  });
});
