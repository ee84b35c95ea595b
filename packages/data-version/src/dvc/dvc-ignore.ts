import { readFileSync } from 'node:fs';
import path from 'node:path';
import ignoreModule, { type Ignore } from 'ignore';
import { fileError } from './file-hash.js';

/** The file DVC reads ignore patterns from, in any folder of the project. */
export const DVCIGNORE = '.dvcignore';

/** Decides which paths DVC leaves out of a tracked folder. */
export interface DvcIgnore {
  /** Whether `absolutePath` (a folder when `isDir`) is ignored by the `.dvcignore` files from the project root down. */
  ignores(absolutePath: string, isDir: boolean): boolean;
}

/**
 * `.dvcignore` files as DVC reads them (dvc/ignore.py): gitignore syntax, one file per folder, its
 * patterns relative to that folder, a deeper file overriding a shallower one (a later `!pattern`
 * re-includes). A path inside an ignored folder stays ignored: the walk never enters that folder.
 * Matching is the `ignore` package's, which follows git's rules (tested against `git check-ignore`).
 */
// `ignore` is CommonJS typed as an ES default export: its factory is also its own `default`.
export function createDvcIgnore(root: string): DvcIgnore {
  const matchers = new Map<string, Ignore | undefined>();
  const matcherOf = (dir: string): Ignore | undefined => {
    if (matchers.has(dir)) return matchers.get(dir);
    let matcher: Ignore | undefined;
    const file = path.join(dir, DVCIGNORE);
    try {
      matcher = ignoreModule.default().add(readFileSync(file, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fileError(error, file, 'read');
    }
    matchers.set(dir, matcher);
    return matcher;
  };
  return {
    ignores(absolutePath, isDir) {
      const relative = path.relative(root, absolutePath);
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
      const parts = relative.split(path.sep);
      let ignored = false;
      let dir = root;
      for (let depth = 0; depth < parts.length; depth++) {
        const matcher = matcherOf(dir);
        if (matcher) {
          const result = matcher.test(parts.slice(depth).join('/') + (isDir ? '/' : ''));
          if (result.ignored) ignored = true;
          else if (result.unignored) ignored = false;
        }
        dir = path.join(dir, parts[depth] as string);
      }
      return ignored;
    },
  };
}
