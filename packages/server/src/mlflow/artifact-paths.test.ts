import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { artifactPathFromUrl, artifactRootKey, checkArtifactPath } from './artifact-paths.js';

describe('artifact paths', () => {
  it('maps mlflow-artifacts roots, with or without a host, to blob keys', () => {
    expect(artifactRootKey('mlflow-artifacts:/1/abc/artifacts')).toBe('mlflow-artifacts/1/abc/artifacts');
    expect(artifactRootKey('mlflow-artifacts://server:5000/1/abc/artifacts/')).toBe('mlflow-artifacts/1/abc/artifacts');
    expect(artifactRootKey('s3://bucket/1/abc')).toBeUndefined();
    expect(() => artifactRootKey('mlflow-artifacts:/1/../../etc')).toThrow(MlpError);
  });

  it('decodes URL segments and keeps a folder slash off', () => {
    expect(artifactPathFromUrl('0/run/artifacts/my%20model/w.bin')).toBe('0/run/artifacts/my model/w.bin');
    expect(checkArtifactPath('plots/', true)).toBe('plots');
    expect(checkArtifactPath('', true)).toBe('');
  });

  it.each(['../x', 'a/../../b', '%2e%2e/x', '/etc/passwd', 'a//b', 'a%5Cb', 'a%00b', 'C:/x', '%E0%A4%A'])('refuses %s', (raw) => {
    expect(() => artifactPathFromUrl(raw)).toThrow(MlpError);
  });

  it('refuses an empty path where a file is needed', () => {
    expect(() => checkArtifactPath('', false)).toThrow(/Invalid artifact path/);
  });
});
