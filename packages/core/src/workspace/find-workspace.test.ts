import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../testing/temp-dir.js';
import { findWorkspaceDir } from './find-workspace.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await createTempDir('mlp-find-workspace-');
});
afterEach(() => temp.remove());

it('finds the nearest folder with mlp.config.json or .mlp/, at or above the start', async () => {
  const deep = path.join(temp.path, 'ws', 'src', 'models');
  await mkdir(deep, { recursive: true });
  // Nothing inside the temp folder yet (a folder above it, outside the test's control, may be one).
  const outside = (found: string | undefined) => found === undefined || !found.startsWith(temp.path);
  expect(outside(findWorkspaceDir(deep))).toBe(true);

  await writeFile(path.join(temp.path, 'ws', 'mlp.config.json'), '{}');
  expect(findWorkspaceDir(deep)).toBe(path.join(temp.path, 'ws'));
  expect(findWorkspaceDir(path.join(temp.path, 'ws'))).toBe(path.join(temp.path, 'ws'));

  await mkdir(path.join(deep, '.mlp'));
  expect(findWorkspaceDir(deep)).toBe(deep);
  expect(outside(findWorkspaceDir(temp.path))).toBe(true);
});
