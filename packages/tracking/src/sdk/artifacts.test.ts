import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactKeyPrefix, normaliseArtifactPath } from './artifacts.js';
import { createTestTracking } from './test-support/test-tracking.js';

const temps: TempDir[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await dir.remove();
});

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

async function keys(blobs: { list(prefix?: string): AsyncIterable<{ key: string }> }): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of blobs.list('')) found.push(blob.key);
  return found;
}

describe('artifact locations', () => {
  it('maps an mlflow-artifacts URI to the blob key prefix of the run', () => {
    expect(artifactKeyPrefix('r', 'mlflow-artifacts:/3/r/artifacts')).toBe('mlflow-artifacts/3/r/artifacts/');
    expect(artifactKeyPrefix('r', 'mlflow-artifacts://server:5000/3/r/artifacts/')).toBe('mlflow-artifacts/3/r/artifacts/');
    expect(() => artifactKeyPrefix('r', 's3://bucket/3/r/artifacts')).toThrow(/outside the workspace blob store/);
  });

  it.each([
    ['', ''],
    ['./plots/', 'plots'],
    ['a/b/c.txt', 'a/b/c.txt'],
    ['a//b', 'a/b'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseArtifactPath(input)).toBe(expected);
  });

  it.each([
    ['../escape', /must not contain '\.\.'/],
    ['a/../../b', /must not contain '\.\.'/],
    ['/etc/passwd', /must be relative/],
    ['C:\\x', /'\/' as the separator|must be relative/],
    ['a/\0b', /NUL/],
  ])('refuses %j with INVALID_ARGUMENT', (input, message) => {
    expect(() => normaliseArtifactPath(input)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
    );
  });
});

describe('artifacts of a run', () => {
  it('stores a file under its base name, bytes under their path, and lists and downloads them', async () => {
    const { tracking, blobs } = createTestTracking();
    const dir = await createTempDir('mlp-artifacts-');
    temps.push(dir);
    const file = path.join(dir.path, 'model.json');
    await writeFile(file, '{"w":[1,2]}');
    const run = await tracking.startRun({ experiment: 'art' });
    expect(await run.logArtifact(file, { path: 'model' })).toEqual({ path: 'model/model.json', isDir: false, fileSize: 11 });
    expect(await run.logArtifact(new TextEncoder().encode('hello'), { path: 'notes/readme.txt' })).toMatchObject({
      path: 'notes/readme.txt',
    });
    await run.logArtifact(file);
    await run.end();

    expect(await keys(blobs)).toEqual([
      `mlflow-artifacts/${run.experimentId}/${run.runId}/artifacts/model.json`,
      `mlflow-artifacts/${run.experimentId}/${run.runId}/artifacts/model/model.json`,
      `mlflow-artifacts/${run.experimentId}/${run.runId}/artifacts/notes/readme.txt`,
    ]);
    expect(await tracking.listArtifacts(run.runId)).toEqual([
      { path: 'model.json', isDir: false, fileSize: 11 },
      { path: 'model', isDir: true },
      { path: 'notes', isDir: true },
    ]);
    expect(await tracking.listArtifacts(run.runId, 'notes')).toEqual([{ path: 'notes/readme.txt', isDir: false, fileSize: 5 }]);
    expect(await text(await tracking.downloadArtifact(run.runId, 'notes/readme.txt'))).toBe('hello');
    await expect(tracking.downloadArtifact(run.runId, 'nope.txt')).rejects.toThrow(`Run ${run.runId} has no artifact nope.txt.`);
  });

  it('uploads a folder recursively below the given path, following symlinked files', async () => {
    const { tracking } = createTestTracking();
    const dir = await createTempDir('mlp-artifacts-');
    temps.push(dir);
    await mkdir(path.join(dir.path, 'out', 'plots', 'deep'), { recursive: true });
    await writeFile(path.join(dir.path, 'out', 'metrics.csv'), 'a,b');
    await writeFile(path.join(dir.path, 'out', 'plots', 'loss.svg'), '<svg/>');
    await writeFile(path.join(dir.path, 'out', 'plots', 'deep', 'x.bin'), 'x');
    await symlink(path.join(dir.path, 'out', 'metrics.csv'), path.join(dir.path, 'out', 'link.csv'));
    const run = await tracking.startRun();
    const uploaded = await run.logArtifacts(path.join(dir.path, 'out'), { path: 'eval' });
    expect(uploaded.map((entry) => entry.path)).toEqual([
      'eval/link.csv',
      'eval/metrics.csv',
      'eval/plots/deep/x.bin',
      'eval/plots/loss.svg',
    ]);
    expect(await tracking.listArtifacts(run.runId, 'eval/plots')).toEqual([
      { path: 'eval/plots/deep', isDir: true },
      { path: 'eval/plots/loss.svg', isDir: false, fileSize: 6 },
    ]);
    await run.end();
  });

  it('refuses escaping paths, bytes without a path, missing files and folders given as files', async () => {
    const { tracking } = createTestTracking();
    const run = await tracking.startRun();
    await expect(run.logArtifact(new Uint8Array([1]), { path: '../x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(run.logArtifact(new Uint8Array([1]), { path: '/abs' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(run.logArtifact(new Uint8Array([1]))).rejects.toThrow(/needs \{ path \}/);
    await expect(run.logArtifact('/definitely/not/here.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(run.logArtifact(process.cwd())).rejects.toThrow(/is a folder: log folders with logArtifacts/);
    await expect(tracking.listArtifacts(run.runId, '../other-run')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await run.end();
  });
});
