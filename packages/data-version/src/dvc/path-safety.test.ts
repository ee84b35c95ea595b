import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { md5Hex } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DataRepo, openDataRepo } from './data-repo.js';
import { serializeManifest } from './dir-manifest.js';
import { errorOf, writeTree } from './test-project.js';

// Real files and real symbolic links: a `.dvc` file is data a clone takes from anyone, and no path it
// names may make mlp write or delete outside the project.
let temp: TempDir;
let root: string;
let outside: string;
let repo: DataRepo;

const EVIL = 'evil bytes\n';
const PRECIOUS = 'precious, outside the project\n';

beforeEach(async () => {
  temp = await createTempDir('mlp-path-safety-');
  root = path.join(temp.path, 'project');
  outside = path.join(temp.path, 'elsewhere');
  await writeTree(outside, { 'secret.txt': PRECIOUS, 'dir/keep.txt': PRECIOUS, 'dir/sub/a.txt': PRECIOUS });
  await mkdir(root);
  repo = await openDataRepo({ root, lockWaitMs: 60_000 });
  // The object a hostile .dvc file points at is in the cache, so nothing but the path rule stops a checkout.
  await writeTree(root, { 'evil.txt': EVIL, 'good.txt': 'good\n' });
  await repo.add(['evil.txt', 'good.txt']);
});
afterEach(async () => {
  await temp.remove();
});

const dvcText = (md5: string, outPath: string) => `outs:\n- md5: ${md5}\n  size: 11\n  hash: md5\n  path: ${JSON.stringify(outPath)}\n`;
const outsideUntouched = async () => {
  expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe(PRECIOUS);
  expect(await readFile(path.join(outside, 'dir', 'keep.txt'), 'utf8')).toBe(PRECIOUS);
  expect(await readFile(path.join(outside, 'dir', 'sub', 'a.txt'), 'utf8')).toBe(PRECIOUS);
  expect((await readdir(outside)).sort()).toEqual(['dir', 'secret.txt']);
};

describe('checkout refuses paths that leave the project', () => {
  const hostile: Array<[string, () => Promise<void>]> = [
    [
      'an entry under a committed link to another folder',
      async () => {
        await mkdir(path.join(root, 'data'));
        await symlink(outside, path.join(root, 'data', 'linkdir'));
        await writeFile(path.join(root, 'data', 'x.dvc'), dvcText(md5Hex(EVIL), 'linkdir/secret.txt'));
      },
    ],
    [
      'an entry whose path climbs out with ..',
      async () => writeFile(path.join(root, 'x.dvc'), dvcText(md5Hex(EVIL), '../elsewhere/secret.txt')),
    ],
    ['an absolute path', async () => writeFile(path.join(root, 'x.dvc'), dvcText(md5Hex(EVIL), path.join(outside, 'secret.txt')))],
    [
      'a link as the last component',
      async () => {
        await symlink(path.join(outside, 'secret.txt'), path.join(root, 'x'));
        await writeFile(path.join(root, 'x.dvc'), dvcText(md5Hex(EVIL), 'x'));
      },
    ],
    [
      'a tracked folder that is a link to another folder',
      async () => {
        // Checking out this version deletes every file it lacks: keep.txt, sub/a.txt.
        const manifest = serializeManifest([{ md5: md5Hex(EVIL), relpath: 'secret.txt' }]);
        const id = `${md5Hex(manifest)}.dir`;
        const cacheFile = repo.cachePath(id);
        await mkdir(path.dirname(cacheFile), { recursive: true });
        await writeFile(cacheFile, manifest, { mode: 0o444 });
        await symlink(path.join(outside, 'dir'), path.join(root, 'x'));
        await writeFile(path.join(root, 'x.dvc'), dvcText(id, 'x'));
      },
    ],
    [
      'a tracked folder that is a link to .mlp (the cache, the database)',
      async () => {
        await symlink(path.join(root, '.mlp'), path.join(root, 'x'));
        await writeFile(path.join(root, 'x.dvc'), dvcText(`${'0'.repeat(32)}.dir`, 'x'));
      },
    ],
    [
      'an entry inside .git',
      async () => {
        await mkdir(path.join(root, '.git', 'hooks'), { recursive: true });
        await writeFile(path.join(root, 'x.dvc'), dvcText(md5Hex(EVIL), '.git/hooks/pre-commit'));
      },
    ],
  ];

  it.each(hostile)('%s: reported as that .dvc file failing, nothing written outside, the rest checked out', async (_name, arrange) => {
    await arrange();
    const dvcFile = (await readdir(path.join(root, 'data')).catch(() => [] as string[])).includes('x.dvc') ? 'data/x.dvc' : 'x.dvc';
    await writeFile(path.join(root, 'good.txt'), 'changed\n');
    const report = await repo.checkout(undefined, { force: true });
    expect(report.failed).toEqual([
      { path: dvcFile, reason: expect.stringMatching(/mlp refuses to write or delete it because|is absolute/) },
    ]);
    expect(report.changed).toContain('good.txt');
    expect(await readFile(path.join(root, 'good.txt'), 'utf8')).toBe('good\n');
    await outsideUntouched();
  });

  it('within a tracked folder, a linked subfolder leading out is neither written nor deleted through', async () => {
    await writeTree(root, { 'images/sub/a.txt': 'mine\n', 'images/b.txt': 'b\n' });
    await repo.add(['images']);
    // A clone where images/sub is a link out of the project: the version wants sub/a.txt = "mine".
    await rm(path.join(root, 'images', 'sub'), { recursive: true });
    await symlink(path.join(outside, 'dir', 'sub'), path.join(root, 'images', 'sub'));
    const report = await repo.checkout(['images'], { force: true });
    expect(report.failed).toEqual([{ path: 'images', reason: expect.stringContaining('outside the project') }]);
    await outsideUntouched();
  });

  it('pull, push and fetch report the hostile .dvc file and carry on with the others', async () => {
    await mkdir(path.join(root, 'data'));
    await symlink(outside, path.join(root, 'data', 'linkdir'));
    await writeFile(path.join(root, 'data', 'x.dvc'), dvcText(md5Hex(EVIL), 'linkdir/secret.txt'));
    await repo.remotes.add('r', path.join(temp.path, 'remote'), { default: true });
    const pushed = await repo.push();
    expect(pushed.transferred).toBe(2);
    expect(pushed.failed).toEqual([{ object: 'data/x.dvc', reason: expect.stringContaining('outside the project') }]);
    const pulled = await repo.pull({ force: true });
    expect(pulled.failed).toEqual([]);
    expect(pulled.checkout.failed).toEqual([{ path: 'data/x.dvc', reason: expect.stringContaining('outside the project') }]);
    await outsideUntouched();
  });
});

describe('add and gc', () => {
  it('add refuses a path under a link that leaves the project, and writes no .dvc file or .gitignore there', async () => {
    await symlink(outside, path.join(root, 'linkdir'));
    const refused = await errorOf(repo.add(['linkdir/secret.txt']));
    expect([refused.code, refused.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('outside the project')]);
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    expect((await errorOf(repo.add(['link.txt']))).code).toBe('INVALID_ARGUMENT');
    await outsideUntouched();
  });

  it('gc refuses to run while a .dvc file names a path outside the project', async () => {
    await symlink(outside, path.join(root, 'linkdir'));
    await writeFile(path.join(root, 'x.dvc'), dvcText(md5Hex(EVIL), 'linkdir/secret.txt'));
    const refused = await errorOf(repo.gc({ dryRun: false }));
    expect([refused.code, refused.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('x.dvc')]);
    await outsideUntouched();
  });

  it('an md5 that is not hex never becomes a cache path', async () => {
    await writeFile(path.join(root, 'x.dvc'), dvcText('../../../../elsewhere/secret', 'x'));
    const report = await repo.checkout();
    expect(report.failed).toEqual([{ path: 'x.dvc', reason: expect.stringContaining('is not an md5') }]);
    expect(() => repo.cachePath('../../../elsewhere/secret.txt')).toThrow(/not an md5 object id/);
    expect(() => repo.cachePath(`${'a'.repeat(32)}/../../x`)).toThrow(/not an md5 object id/);
    await outsideUntouched();
  });
});
