import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeGitignoreName, ignoreInGit } from './gitignore.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
});

/** Which of `names` real git ignores (git check-ignore, the oracle). */
function gitIgnored(root: string, names: string[]): string[] {
  try {
    const out = execFileSync('git', ['-c', 'core.quotePath=false', 'check-ignore', '--no-index', '-z', '--stdin'], {
      cwd: root,
      input: names.join('\0'),
      encoding: 'utf8',
    });
    return out.split('\0').filter((name) => name !== '');
  } catch (error) {
    // Exit status 1: nothing is ignored.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

describe('.gitignore entries', () => {
  it('escapes as DVC does ([ ] ! * # ?), plus the backslash and trailing spaces', () => {
    expect(escapeGitignoreName('a[1]!*#?.csv')).toBe('a\\[1\\]\\!\\*\\#\\?.csv');
    expect(escapeGitignoreName('back\\slash')).toBe('back\\\\slash');
    expect(escapeGitignoreName(' two  ')).toBe(' two\\ \\ ');
  });

  it('ignores exactly the tracked file, by git check-ignore', async () => {
    temp = await createTempDir('mlp-gitignore-');
    const root = temp.path;
    execFileSync('git', ['init', '-q'], { cwd: root });
    // Each tracked name, and names an unescaped entry would wrongly ignore (or that it would miss).
    const tracked = ['!important', '#notes', 'a*b', '[x].csv', 'q?', 'trail ', 'back\\slash', ' lead'];
    const bystanders = ['important', 'notes', 'ab', 'aXXb', 'x.csv', 'q1', 'trail', 'backslash', 'lead', 'other'];
    for (const name of tracked) await ignoreInGit(path.join(root, name));
    expect(await readFile(path.join(root, '.gitignore'), 'utf8')).toBe(
      '/\\!important\n/\\#notes\n/a\\*b\n/\\[x\\].csv\n/q\\?\n/trail\\ \n/back\\\\slash\n/ lead\n',
    );
    expect(gitIgnored(root, [...tracked, ...bystanders]).sort()).toEqual([...tracked].sort());
    // Adding again changes nothing.
    for (const name of tracked) expect(await ignoreInGit(path.join(root, name))).toBe(false);
  });
});
