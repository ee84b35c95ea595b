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
  // The .dvcignore files that apply inside each folder, shallowest first: computed once per folder,
  // so a folder no .dvcignore applies to costs one lookup per file.
  const chains = new Map<string, Array<[dir: string, matcher: Ignore]>>();
  const chainOf = (folder: string): Array<[string, Ignore]> => {
    const known = chains.get(folder);
    if (known) return known;
    const relative = path.relative(root, folder);
    let chain: Array<[string, Ignore]>;
    if (relative.startsWith('..') || path.isAbsolute(relative)) chain = [];
    else {
      chain = relative === '' ? [] : [...chainOf(path.dirname(folder))];
      const matcher = matcherOf(folder);
      if (matcher) chain.push([folder, matcher]);
    }
    chains.set(folder, chain);
    return chain;
  };
  return {
    ignores(absolutePath, isDir) {
      let ignored = false;
      for (const [dir, matcher] of chainOf(path.dirname(absolutePath))) {
        const result = matcher.test(path.relative(dir, absolutePath).split(path.sep).join('/') + (isDir ? '/' : ''));
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
      return ignored;
    },
  };
}
