import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { artifactRootPrefix, joinArtifactPath, normaliseArtifactPath } from './artifact-location.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return MlpError.isInstance(error) ? error.code : 'not an MlpError';
  }
  return undefined;
}

describe('artifactRootPrefix', () => {
  it('maps mlflow-artifacts URIs to their blob key prefix', () => {
    expect(artifactRootPrefix({ runId: 'r', artifactUri: 'mlflow-artifacts:/1/r/artifacts' })).toBe('mlflow-artifacts/1/r/artifacts/');
    expect(artifactRootPrefix({ runId: 'r', artifactUri: 'mlflow-artifacts:/1/r/artifacts/' })).toBe('mlflow-artifacts/1/r/artifacts/');
  });

  it("drops the host of MLflow's proxied form", () => {
    expect(artifactRootPrefix({ runId: 'r', artifactUri: 'mlflow-artifacts://server:5000/1/r/artifacts' })).toBe(
      'mlflow-artifacts/1/r/artifacts/',
    );
  });

  it('refuses locations outside the workspace blob store as FAILED_PRECONDITION', () => {
    expect(codeOf(() => artifactRootPrefix({ runId: 'r', artifactUri: 's3://bucket/1/r/artifacts' }))).toBe('FAILED_PRECONDITION');
  });
});

describe('normaliseArtifactPath', () => {
  it.each([
    ['model.onnx', 'model.onnx'],
    ['./plots/', 'plots'],
    ['plots//loss.png', 'plots/loss.png'],
    ['.', ''],
    ['', ''],
  ])('%j is %j', (input, output) => {
    expect(normaliseArtifactPath(input)).toBe(output);
  });

  it.each(['..', '../other-run/artifacts/x', 'a/../../b', '/etc/passwd', 'C:\\x', 'a\\b', 'a\0b'])(
    'refuses %j as INVALID_ARGUMENT',
    (input) => {
      expect(codeOf(() => normaliseArtifactPath(input))).toBe('INVALID_ARGUMENT');
    },
  );
});

describe('joinArtifactPath', () => {
  it('joins under a folder, or not at the root', () => {
    expect(joinArtifactPath('', 'a')).toBe('a');
    expect(joinArtifactPath('x/y', 'a')).toBe('x/y/a');
  });
});
