import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type BlobStore, createMemoryBlobStore, MlpError } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadProgress, downloadArtifacts } from './download-artifacts.js';

const root = 'mlflow-artifacts/1/r/artifacts/';
let blobs: BlobStore;
let temp: TempDir;

beforeEach(async () => {
  blobs = createMemoryBlobStore();
  await blobs.put(`${root}model.onnx`, 'weights');
  await blobs.put(`${root}plots/loss.png`, 'png-bytes');
  await blobs.put(`${root}plots/deep/acc.png`, 'acc');
  temp = await createTempDir('mlp-download-');
});

afterEach(async () => {
  await temp.remove();
});

function download(artifactPath: string, out?: string, onProgress?: (progress: DownloadProgress) => void) {
  return downloadArtifacts({
    blobs,
    rootPrefix: root,
    artifactPath,
    out,
    cwd: temp.path,
    rootName: 'r',
    ...(onProgress ? { onProgress } : {}),
  });
}

describe('downloadArtifacts', () => {
  it('writes a file into the current folder under its base name by default', async () => {
    const files = await download('model.onnx');
    expect(files).toEqual([{ path: 'model.onnx', destination: path.join(temp.path, 'model.onnx'), size: 7 }]);
    expect(await readFile(path.join(temp.path, 'model.onnx'), 'utf8')).toBe('weights');
  });

  it('writes a file to --out when it names a file, and into --out when it is a folder', async () => {
    await download('model.onnx', path.join(temp.path, 'renamed.bin'));
    expect(await readFile(path.join(temp.path, 'renamed.bin'), 'utf8')).toBe('weights');
    await mkdir(path.join(temp.path, 'existing'));
    await download('model.onnx', path.join(temp.path, 'existing'));
    expect(await readFile(path.join(temp.path, 'existing', 'model.onnx'), 'utf8')).toBe('weights');
    await download('model.onnx', `${path.join(temp.path, 'new-dir')}/`);
    expect(await readFile(path.join(temp.path, 'new-dir', 'model.onnx'), 'utf8')).toBe('weights');
  });

  it('downloads a folder as a tree, like cp -r', async () => {
    const files = await download('plots', path.join(temp.path, 'out'));
    expect(files?.map((file) => file.path).sort()).toEqual(['plots/deep/acc.png', 'plots/loss.png']);
    expect(await readFile(path.join(temp.path, 'out', 'deep', 'acc.png'), 'utf8')).toBe('acc');
    expect(await readFile(path.join(temp.path, 'out', 'loss.png'), 'utf8')).toBe('png-bytes');
  });

  it('downloads the whole root under the run name', async () => {
    const files = await download('');
    expect(files).toHaveLength(3);
    expect(await readFile(path.join(temp.path, 'r', 'plots', 'loss.png'), 'utf8')).toBe('png-bytes');
  });

  it('overwrites an existing file and leaves no temporary file behind', async () => {
    await writeFile(path.join(temp.path, 'model.onnx'), 'old');
    await download('model.onnx');
    expect(await readFile(path.join(temp.path, 'model.onnx'), 'utf8')).toBe('weights');
    expect(await readdir(temp.path)).toEqual(['model.onnx']);
  });

  it('is undefined when nothing is at the path', async () => {
    expect(await download('missing')).toBeUndefined();
  });

  it('reports progress in bytes of the file being written', async () => {
    const seen: DownloadProgress[] = [];
    await download('model.onnx', undefined, (progress) => seen.push(progress));
    expect(seen.at(-1)).toEqual({ path: 'model.onnx', bytes: 7, total: 7, fileIndex: 1, fileCount: 1 });
  });

  it('fails INVALID_ARGUMENT when a file is in the way of a folder, keeping no partial output', async () => {
    await writeFile(path.join(temp.path, 'blocker'), 'x');
    let thrown: unknown;
    try {
      await download('plots', path.join(temp.path, 'blocker', 'sub'));
    } catch (error) {
      thrown = error;
    }
    expect(MlpError.isInstance(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
    expect(await readdir(temp.path)).toEqual(['blocker']);
  });

  it('removes the temporary file when the source fails mid-stream', async () => {
    const failing: BlobStore = {
      ...blobs,
      head: blobs.head.bind(blobs),
      async get() {
        const { Readable } = await import('node:stream');
        return Readable.from(
          (async function* () {
            yield Buffer.from('partial');
            throw new Error('connection reset');
          })(),
        );
      },
    };
    await expect(
      downloadArtifacts({ blobs: failing, rootPrefix: root, artifactPath: 'model.onnx', out: undefined, cwd: temp.path, rootName: 'r' }),
    ).rejects.toThrow(/connection reset/);
    expect(await readdir(temp.path)).toEqual([]);
  });
});
