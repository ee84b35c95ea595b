import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// npm links a package's bin at install time only if the file exists then. On a fresh clone `dist/`
// does not exist until the build, so the bin must be a committed file (bin/mlp.js, which loads the
// build), and the lockfile, which `npm ci` links from, must name the same file.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = path.resolve(packageDir, '..', '..');

it('the mlp bin is a committed, executable file outside dist/, named alike by package.json and the lockfile', () => {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    files: string[];
  };
  const bin = path.normalize(manifest.bin.mlp as string);
  expect(bin.startsWith('dist')).toBe(false);
  expect(manifest.files).toContain(bin.split(path.sep)[0]);
  expect(statSync(path.join(packageDir, bin)).mode & 0o111).not.toBe(0);

  const lock = JSON.parse(readFileSync(path.join(rootDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { bin?: Record<string, string> }>;
  };
  expect(path.normalize(lock.packages['packages/cli']?.bin?.mlp as string)).toBe(bin);
});
