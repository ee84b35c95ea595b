import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonConventionViolations } from '@mlp/cli';
import { exitCodeFor } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTree } from '../src/dvc/test-project.js';
import { assertBuilt, parseJson, runMlp } from './run-mlp.js';
import { workTimeout } from './work-timeout.js';

let temp: TempDir;
let project: string;
const mlp = (...args: string[]) => runMlp(['-C', project, ...args], { cwd: temp.path });

beforeAll(async () => {
  assertBuilt();
  temp = await createTempDir('mlp-data-cli-');
  project = path.join(temp.path, 'project');
  await writeTree(project, { foo: 'foo', 'dir/bar': 'bar', 'dir/foo': 'foo' });
});
afterAll(async () => {
  await temp?.remove();
});

describe('mlp data (the built binary)', () => {
  it(
    'add --json prints [{path, md5, size, nfiles}] with DVC’s hashes',
    async () => {
      const result = await mlp('--json', 'data', 'add', 'foo', 'dir');
      expect(result.code).toBe(0);
      expect(parseJson(result)).toEqual([
        { path: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, nfiles: null },
        { path: 'dir', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 },
      ]);
      expect(await readFile(path.join(project, 'dir.dvc'), 'utf8')).toContain('nfiles: 2\n  hash: md5\n  path: dir\n');
    },
    workTimeout({ processes: 1 }),
  );

  it(
    'status shows changes, and checkout restores them',
    async () => {
      await writeFile(path.join(project, 'dir', 'bar'), 'BAR');
      const status = await mlp('data', 'status');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/dir\s+modified\s+\+0 ~1 -0/);
      const json = parseJson<{ clean: boolean; entries: unknown[] }>(await mlp('--json', 'data', 'status'));
      expect(json.clean).toBe(false);
      expect(json.entries).toContainEqual(expect.objectContaining({ path: 'dir', dvc_file: 'dir.dvc', status: ['modified'] }));
      expect(jsonConventionViolations(json)).toEqual([]);
      const refused = await mlp('data', 'checkout');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/failed dir: dir\/bar has changes that are not in the cache/);
      expect((await mlp('data', 'checkout', '--force')).code).toBe(0);
      expect(await readFile(path.join(project, 'dir', 'bar'), 'utf8')).toBe('bar');
      expect((await mlp('data', 'status')).stdout).toMatch(/up to date \(2 tracked paths\)/);
    },
    workTimeout({ processes: 5 }),
  );

  it(
    'remote add|ls|default, push, then pull into an emptied workspace',
    async () => {
      const remote = path.join(temp.path, 'remote');
      expect((await mlp('data', 'remote', 'add', 'store', remote)).code).toBe(0);
      expect((await mlp('data', 'remote', 'add', 'other', path.join(temp.path, 'elsewhere'))).code).toBe(0);
      expect((await mlp('data', 'remote', 'default', 'store')).code).toBe(0);
      expect(parseJson(await mlp('--json', 'data', 'remote', 'ls'))).toEqual([
        { name: 'store', url: remote, default: true, endpoint: null, region: null },
        { name: 'other', url: path.join(temp.path, 'elsewhere'), default: false, endpoint: null, region: null },
      ]);
      const pushed = parseJson<{ transferred: number }>(await mlp('--json', 'data', 'push'));
      expect(jsonConventionViolations(pushed)).toEqual([]);
      // foo and dir/foo share one object: foo, bar and the manifest.
      expect(pushed.transferred).toBe(3);
      await rm(path.join(project, 'dir'), { recursive: true });
      await rm(path.join(project, 'foo'));
      await rm(path.join(project, '.mlp', 'cache'), { recursive: true });
      const pulled = await mlp('data', 'pull', '--jobs', '2');
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toMatch(/Fetched 3 objects .* from remote 'store'/);
      expect(await readFile(path.join(project, 'dir', 'foo'), 'utf8')).toBe('foo');
      expect(await readFile(path.join(project, 'foo'), 'utf8')).toBe('foo');
    },
    workTimeout({ processes: 6 }),
  );

  it(
    'gc is a dry run unless --force',
    async () => {
      const before = parseJson<Array<{ md5: string }>>(await mlp('--json', 'data', 'add', 'dir'));
      await writeFile(path.join(project, 'dir', 'bar'), 'changed');
      await mlp('data', 'add', 'dir');
      const unused = [before[0]?.md5, '37b51d194a7513e45b56f6524f2d51f2'].sort();
      const dry = parseJson<{ dry_run: boolean; removed: string[] }>(await mlp('--json', 'data', 'gc'));
      expect(dry).toMatchObject({ dry_run: true, removed: unused });
      expect(jsonConventionViolations(dry)).toEqual([]);
      const forced = await mlp('data', 'gc', '--force');
      expect(forced.stdout).toMatch(/^Removed 2 unused objects/);
      expect(parseJson<{ removed: string[] }>(await mlp('--json', 'data', 'gc')).removed).toEqual([]);
      // foo's object is still used by foo and dir/foo.
      expect((await mlp('data', 'status')).stdout).toMatch(/up to date/);
    },
    workTimeout({ processes: 6 }),
  );

  it(
    'fails with the error table’s exit codes and messages naming the file or remote',
    async () => {
      const missing = await mlp('data', 'add', 'nope.csv');
      expect(missing.code).toBe(exitCodeFor('NOT_FOUND'));
      expect(missing.stderr).toContain(`error [NOT_FOUND]: Cannot add ${path.join(project, 'nope.csv')}: it does not exist`);

      await writeFile(path.join(project, 'foo.dvc'), 'outs: [\n');
      const broken = await mlp('data', 'status');
      expect(broken.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
      expect(broken.stderr).toContain('foo.dvc is not a valid .dvc file: broken YAML');
      await mlp('data', 'add', 'foo').catch(() => undefined);
      await rm(path.join(project, 'foo.dvc'));
      await mlp('data', 'add', 'foo');

      const unknown = await mlp('data', 'push', '--remote', 'nope');
      expect(unknown.code).toBe(exitCodeFor('NOT_FOUND'));
      expect(unknown.stderr).toContain('Unknown remote "nope"');

      const outside = await mlp('data', 'add', '../elsewhere');
      expect(outside.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
      expect(outside.stderr).toMatch(/is outside the project/);

      const badJobs = await mlp('data', 'push', '--jobs', '0');
      expect(badJobs.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    },
    workTimeout({ processes: 7 }),
  );

  it(
    'checkout goes on past a broken .dvc file, reports it (human and --json) and exits 1',
    async () => {
      await rm(path.join(project, 'foo'));
      await writeFile(path.join(project, 'broken.csv.dvc'), 'outs: [\n');
      const human = await mlp('data', 'checkout');
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('failed broken.csv.dvc: ');
      expect(await readFile(path.join(project, 'foo'), 'utf8')).toBe('foo');

      await rm(path.join(project, 'foo'));
      const json = await mlp('--json', 'data', 'checkout');
      expect(json.code).toBe(1);
      expect(jsonConventionViolations(parseJson(json))).toEqual([]);
      expect(parseJson(json)).toMatchObject({
        changed: ['foo'],
        failed: [{ path: 'broken.csv.dvc', reason: expect.stringContaining('broken.csv.dvc is not a valid .dvc file: broken YAML') }],
      });
      await rm(path.join(project, 'broken.csv.dvc'));
    },
    workTimeout({ processes: 2 }),
  );
});
