import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataRepo } from './data-repo.js';
import { createDvcIgnore } from './dvc-ignore.js';
import { writeTree } from './test-project.js';
import { walkFiles } from './walk-files.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
});

const rootRules = ['*.tmp', '!keep.tmp', 'logs/', '!logs/keep.txt', '/top-only.txt', 'data/**/deep.bin', '\\#hash', 'trail\\ ', ''].join(
  '\n',
);
const dataRules = ['!b.tmp', 'x?.csv', '[ab].txt', ''].join('\n');
const files = {
  'a.tmp': '1',
  'keep.tmp': '2',
  'logs/run.txt': '3',
  'logs/keep.txt': '4',
  'top-only.txt': '5',
  'data/top-only.txt': '6',
  'data/b.tmp': '7',
  'data/c.tmp': '8',
  'data/x1.csv': '9',
  'data/x10.csv': '10',
  'data/a.txt': '11',
  'data/c.txt': '12',
  'data/nested/deep.bin': '13',
  'data/nested/other.bin': '14',
  '#hash': '15',
  'trail ': '16',
  trail: '17',
  'plain.csv': '18',
};

describe('.dvcignore', () => {
  it('leaves out what git would ignore with the same rules in .gitignore files (git ls-files as the oracle)', async () => {
    temp = await createTempDir('mlp-dvcignore-');
    const root = path.join(temp.path, 'project');
    const folder = path.join(root, 'tracked');
    await writeTree(folder, files);
    // The same rules as .dvcignore for mlp and as .gitignore for git, at the root and one level down.
    await writeTree(folder, {
      '.dvcignore': rootRules,
      '.gitignore': rootRules,
      'data/.dvcignore': dataRules,
      'data/.gitignore': dataRules,
    });
    execFileSync('git', ['init', '-q'], { cwd: folder });
    const gitKept = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: folder, encoding: 'utf8' })
      .split('\0')
      .filter((name) => name !== '' && !name.endsWith('.gitignore') && !name.endsWith('.dvcignore'))
      .sort();
    const walked = (await walkFiles(folder, { ignore: createDvcIgnore(folder) }))
      .map((file) => file.relpath)
      .filter((name) => !name.endsWith('.gitignore') && !name.endsWith('.dvcignore'))
      .sort();
    expect(walked).toEqual(gitKept);
    // The rules did bite: these are git's answers, spelled out.
    expect(walked).toEqual([
      'data/b.tmp',
      'data/c.txt',
      'data/nested/other.bin',
      'data/top-only.txt',
      'data/x10.csv',
      'keep.tmp',
      'plain.csv',
      'trail',
    ]);
  });

  it('add, status and checkout of a folder leave ignored files out, as DVC does', async () => {
    temp = await createTempDir('mlp-dvcignore-add-');
    const root = path.join(temp.path, 'project');
    await writeTree(root, {
      '.dvcignore': 'dir/scratch/\n*.log\n',
      'dir/bar': 'bar',
      'dir/foo': 'foo',
      'dir/run.log': 'noise',
      'dir/scratch/x': 'x',
    });
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    // DVC's vector for a folder with bar and foo: the ignored files change nothing.
    expect(await repo.add(['dir'])).toEqual([{ path: 'dir', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 }]);
    await writeFile(path.join(root, 'dir', 'later.log'), 'more noise');
    expect((await repo.status()).entries.flatMap((entry) => entry.status)).not.toContain('modified');
    // Checkout restores tracked files and leaves the ignored ones alone.
    await rm(path.join(root, 'dir', 'foo'));
    await repo.checkout(['dir']);
    expect(await readFile(path.join(root, 'dir', 'foo'), 'utf8')).toBe('foo');
    expect(await readFile(path.join(root, 'dir', 'run.log'), 'utf8')).toBe('noise');
    expect(await readFile(path.join(root, 'dir', 'scratch', 'x'), 'utf8')).toBe('x');
  });
});
