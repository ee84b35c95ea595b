import { createMemoryBlobStore } from '@mlp/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { listArtifacts } from './list-artifacts.js';

const root = 'mlflow-artifacts/1/r/artifacts/';
let blobs: ReturnType<typeof createMemoryBlobStore>;

beforeEach(async () => {
  blobs = createMemoryBlobStore();
  await blobs.put(`${root}model.onnx`, 'abc');
  await blobs.put(`${root}plots/loss.png`, '12345');
  await blobs.put(`${root}plots/deep/acc.png`, '1');
  // Another run's artifacts share the experiment prefix and must not show up.
  await blobs.put('mlflow-artifacts/1/r2/artifacts/other.txt', 'x');
  await blobs.put('mlflow-artifacts/1/r/artifactsX/other.txt', 'x');
});

describe('listArtifacts', () => {
  it('lists one level of the root: files with sizes, folders once', async () => {
    expect(await listArtifacts(blobs, root, '')).toEqual([
      { path: 'model.onnx', isDir: false, fileSize: 3 },
      { path: 'plots', isDir: true },
    ]);
  });

  it('lists a folder with paths relative to the root', async () => {
    expect(await listArtifacts(blobs, root, 'plots')).toEqual([
      { path: 'plots/deep', isDir: true },
      { path: 'plots/loss.png', isDir: false, fileSize: 5 },
    ]);
  });

  it('lists a file as itself', async () => {
    expect(await listArtifacts(blobs, root, 'plots/loss.png')).toEqual([{ path: 'plots/loss.png', isDir: false, fileSize: 5 }]);
  });

  it('is undefined for a path with nothing, but empty for the root of a run without artifacts', async () => {
    expect(await listArtifacts(blobs, root, 'nope')).toBeUndefined();
    expect(await listArtifacts(blobs, 'mlflow-artifacts/1/empty/artifacts/', '')).toEqual([]);
  });
});
