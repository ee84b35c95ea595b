import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataRepo, openDataRepo } from '../dvc/data-repo.js';
import { type DatasetCatalog, openDatasetCatalog } from './dataset-catalog.js';

// The catalog over a real data repository (cache, .dvc files, a folder remote) on the embedded database.

let temp: TempDir;
let remoteDir: TempDir;
let workspace: Workspace;
let repo: DataRepo;
let catalog: DatasetCatalog;
const v1 = 'city,temp\nOslo,3\nLima,19\n';
const v2 = 'city,temp\nOslo,4\nLima,20\nPune,31\n';

async function thrown(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  temp = await createTempDir('mlp-resolve-');
  remoteDir = await createTempDir('mlp-resolve-remote-');
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
  repo = await openDataRepo({ root: temp.path });
  catalog = await openDatasetCatalog(workspace, { repo, user: 'grace' });
  await mkdir(path.join(temp.path, 'data'));
});

afterAll(async () => {
  await workspace.close();
  await temp.remove();
  await remoteDir.remove();
});

describe('addVersion', () => {
  it('adds files to the cache and records their hash, size and schema', async () => {
    await writeFile(path.join(temp.path, 'data', 'cities.csv'), v1);
    const first = await catalog.addVersion({ dataset: 'cities', path: 'data/cities.csv', message: 'first cut' });
    expect(first.created).toBe(true);
    expect(first.version).toMatchObject({
      ref: 'cities@1',
      path: 'data/cities.csv',
      size: v1.length,
      nfiles: 1,
      format: 'csv',
      message: 'first cut',
      createdBy: 'grace',
      source: { kind: 'workspace', uri: 'data/cities.csv' },
      schema: {
        format: 'csv',
        rowCount: 2,
        columns: [
          { name: 'city', type: 'VARCHAR' },
          { name: 'temp', type: 'BIGINT' },
        ],
      },
    });
    expect(await readFile(path.join(temp.path, 'data', 'cities.csv.dvc'), 'utf8')).toContain(first.version.rootHash);

    await writeFile(path.join(temp.path, 'data', 'cities.csv'), v2);
    const second = await catalog.addVersion({ dataset: 'cities', path: path.join(temp.path, 'data', 'cities.csv') });
    expect(second.version).toMatchObject({ ref: 'cities@2', size: v2.length, schema: { rowCount: 3 } });
    // Nothing changed: the same version comes back.
    expect((await catalog.addVersion({ dataset: 'cities', path: 'data/cities.csv' })).created).toBe(false);
  });

  it('refuses a malformed CSV before it is versioned', async () => {
    await writeFile(path.join(temp.path, 'data', 'broken.csv'), 'a,b\n1,2\n3\n');
    const error = await thrown(catalog.addVersion({ dataset: 'broken', path: 'data/broken.csv' }));
    expect(error.message).toContain('line 3 has 1 field; the header has 2');
    expect((await thrown(catalog.getVersion('broken@latest'))).code).toBe('NOT_FOUND');
  });

  it('reports a missing path', async () => {
    const error = await thrown(catalog.addVersion({ dataset: 'ghost', path: 'data/ghost.csv' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('ghost.csv: it does not exist');
  });

  it('versions a folder without a schema', async () => {
    await mkdir(path.join(temp.path, 'data', 'images'));
    await writeFile(path.join(temp.path, 'data', 'images', 'bar'), 'bar');
    await writeFile(path.join(temp.path, 'data', 'images', 'foo'), 'foo');
    const { version } = await catalog.addVersion({ dataset: 'images', path: 'data/images' });
    // DVC's own test vector for this folder.
    expect(version).toMatchObject({ rootHash: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2, format: null, schema: null });
    const error = await thrown(catalog.open('images@1'));
    expect(error.message).toContain('is a folder of 2 files');
  });
});

describe('resolve', () => {
  it('gives the workspace path for the checked-out version', async () => {
    const resolved = await catalog.resolve('cities@latest');
    expect(resolved).toMatchObject({ location: 'workspace', pulled: false, path: path.join(temp.path, 'data', 'cities.csv') });
    expect(resolved.version.version).toBe(2);
  });

  it('materialises an older version from the cache as a snapshot, leaving the working copy alone', async () => {
    const resolved = await catalog.resolve('cities@1');
    expect(resolved.location).toBe('snapshot');
    expect(resolved.path).toBe(path.join(temp.path, '.mlp', 'datasets', 'cities', '1', 'cities.csv'));
    expect(await readFile(resolved.path, 'utf8')).toBe(v1);
    expect(await readFile(path.join(temp.path, 'data', 'cities.csv'), 'utf8')).toBe(v2);
    // Resolving again finds the snapshot in place; a snapshot changed behind mlp's back is restored.
    expect((await catalog.resolve('cities@1')).path).toBe(resolved.path);
    await writeFile(resolved.path, 'tampered\n');
    expect(await readFile((await catalog.resolve('cities@1')).path, 'utf8')).toBe(v1);
  });

  it('restores a deleted working copy from the cache', async () => {
    await rm(path.join(temp.path, 'data', 'cities.csv'));
    const resolved = await catalog.resolve('cities@2');
    expect(resolved.location).toBe('workspace');
    expect(await readFile(resolved.path, 'utf8')).toBe(v2);
  });

  it('never overwrites a modified working copy: the version goes to a snapshot', async () => {
    await writeFile(path.join(temp.path, 'data', 'cities.csv'), `${v2}Rome,22\n`);
    const resolved = await catalog.resolve('cities@2');
    expect(resolved.location).toBe('snapshot');
    expect(await readFile(resolved.path, 'utf8')).toBe(v2);
    expect(await readFile(path.join(temp.path, 'data', 'cities.csv'), 'utf8')).toBe(`${v2}Rome,22\n`);
    await writeFile(path.join(temp.path, 'data', 'cities.csv'), v2);
  });

  it('pulls from the default remote when the cache has lost the version', async () => {
    await repo.remotes.add('backup', remoteDir.path);
    await repo.remotes.setDefault('backup');
    // The working copy holds version 2; version 1 is referenced by its snapshot's .dvc file.
    const pushed = await repo.push({ targets: ['data/cities.csv', '.mlp/datasets/cities/1/cities.csv'] });
    expect(pushed.transferred).toBe(2);
    expect(pushed.failed).toEqual([]);
    const first = await catalog.getVersion('cities@1');
    await rm((await openDataRepo({ root: temp.path })).cachePath(first.rootHash));
    await rm(path.join(temp.path, '.mlp', 'datasets'), { recursive: true, force: true });

    const resolved = await catalog.resolve('cities@1');
    expect(resolved).toMatchObject({ location: 'snapshot', pulled: true });
    expect(await readFile(resolved.path, 'utf8')).toBe(v1);
  });

  it('opens a version by reference as records or columns', async () => {
    const rows = [];
    for await (const row of await catalog.open('cities@1')) rows.push(row);
    expect(rows).toEqual([
      { city: 'Oslo', temp: 3 },
      { city: 'Lima', temp: 19 },
    ]);
    const columns = await (await catalog.open('cities@latest', { columns: ['temp'], limit: 2 })).columns();
    expect(Array.from(columns.temp as Float64Array)).toEqual([4, 20]);
  });

  it('reports unknown versions and references', async () => {
    expect((await thrown(catalog.resolve('cities@9'))).code).toBe('NOT_FOUND');
    expect((await thrown(catalog.resolve('nope@latest'))).code).toBe('NOT_FOUND');
    expect((await thrown(catalog.resolve('cities@'))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('gc', () => {
  it('keeps every catalogued version, which a gc of the working tree alone would remove', async () => {
    const first = await catalog.getVersion('cities@1');
    await catalog.resolve('cities@1'); // back in the cache, whatever the tests above did
    expect((await repo.gc({ dryRun: true })).removed).toContain(first.rootHash);

    const report = await catalog.gc({ dryRun: false });
    expect(report.removed).not.toContain(first.rootHash);
    expect(await readFile(repo.cachePath(first.rootHash), 'utf8')).toBe(v1);
  });
});

describe('a snapshot folder linked out of the project', () => {
  it('is refused before anything is written through the link', async () => {
    const outside = await createTempDir('mlp-resolve-outside-');
    try {
      await writeFile(path.join(temp.path, 'data', 'linked.csv'), v1);
      await catalog.addVersion({ dataset: 'linked', path: 'data/linked.csv' });
      await writeFile(path.join(temp.path, 'data', 'linked.csv'), v2);
      await catalog.addVersion({ dataset: 'linked', path: 'data/linked.csv' });
      // linked@1 is not the working copy, so it goes to a snapshot under .mlp/datasets/linked/1/.
      await mkdir(path.join(temp.path, '.mlp', 'datasets'), { recursive: true });
      await symlink(outside.path, path.join(temp.path, '.mlp', 'datasets', 'linked'));
      const error = await thrown(catalog.resolve('linked@1'));
      expect([error.code, error.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('outside the project')]);
      expect(await readdir(outside.path)).toEqual([]);
    } finally {
      await outside.remove();
    }
  });
});
