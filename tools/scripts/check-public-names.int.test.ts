import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCheck } from './fixture-workspace.js';

let root: string;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const entry = (name: string) => ({ name, exports: { '.': { '@mlp/source': './src/index.ts' } } });

describe('check-public-names', () => {
  it('fails when two packages export the same name', () => {
    root = makeWorkspace({
      'packages/tracking/package.json': entry('@mlp/tracking'),
      'packages/tracking/src/index.ts': "export type { Page } from './model.js';",
      'packages/tracking/src/model.ts': 'export interface Page<T> { items: T[] }',
      'packages/registry/package.json': entry('@mlp/registry'),
      'packages/registry/src/index.ts': 'export interface Page<T> { items: T[] }\nexport const registryOnly = 1;',
    });
    const result = runCheck('check-public-names.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Page: exported by @mlp/registry, @mlp/tracking');
    expect(result.output).not.toContain('registryOnly');
  });

  it("passes when a package re-exports another workspace package's name, directly or through a local file", () => {
    root = makeWorkspace({
      'packages/core/package.json': entry('@mlp/core'),
      'packages/core/src/index.ts': 'export interface DatasetLineage { record(): void }',
      'packages/tracking/package.json': entry('@mlp/tracking'),
      'packages/tracking/src/index.ts': "export type { DatasetLineage } from './sdk/lineage.js';",
      'packages/tracking/src/sdk/lineage.ts': "export type { DatasetLineage } from '@mlp/core';",
      'packages/train/package.json': entry('@mlp/train'),
      'packages/train/src/index.ts': "export type { DatasetLineage } from '@mlp/core';",
    });
    expect(runCheck('check-public-names.mjs', root)).toMatchObject({ code: 0 });
  });

  it('passes on this repository', () => {
    root = '';
    expect(runCheck('check-public-names.mjs', path.resolve(import.meta.dirname, '..', '..'))).toMatchObject({ code: 0 });
  });
});
