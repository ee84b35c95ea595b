import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCheck } from './fixture-workspace.js';

let root: string;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const manifest = (fields: object) => ({ name: '@mlp/demo', version: '0.1.0', ...fields });

describe('check-deps', () => {
  it('passes when source imports are dependencies or peers, test imports devDependencies, builtins and self-imports free', () => {
    root = makeWorkspace({
      'package.json': { devDependencies: { vitest: '^4.0.0' } },
      'packages/demo/package.json': manifest({
        dependencies: { zod: '^4.0.0' },
        peerDependencies: { '@mlp/core': '^0.1.0' },
        devDependencies: { 'vega-datasets': '^3.0.0' },
      }),
      'packages/demo/src/index.ts': [
        "import { z } from 'zod';",
        "import type { Workspace } from '@mlp/core';",
        "import { readFile } from 'node:fs/promises';",
        "import path from 'path';",
        "export * from '@mlp/demo/other';",
      ].join('\n'),
      'packages/demo/src/index.test.ts': "import { it } from 'vitest';\nimport data from 'vega-datasets';",
      'packages/demo/src/test-support/fixture.ts': "import data from 'vega-datasets';",
    });
    expect(runCheck('check-deps.mjs', root)).toMatchObject({ code: 0 });
  });

  it('fails when source code imports a package that is only a devDependency (it would be bundled or missing)', () => {
    root = makeWorkspace({
      'package.json': {},
      'packages/demo/package.json': manifest({ devDependencies: { 'drizzle-orm': '^0.45.0' } }),
      'packages/demo/src/store/schema.ts': "import { pgTable } from 'drizzle-orm/pg-core';",
    });
    const result = runCheck('check-deps.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('src/store/schema.ts imports drizzle-orm');
  });

  it('counts type-only and dynamic imports too (declarations and lazy loads need the package installed)', () => {
    root = makeWorkspace({
      'package.json': {},
      'packages/demo/package.json': manifest({}),
      'packages/demo/src/a.ts': "import type pg from 'pg';\nexport const load = () => import('onnxruntime-node');",
    });
    const result = runCheck('check-deps.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('imports pg');
    expect(result.output).toContain('imports onnxruntime-node');
  });

  it('fails when a test imports what no manifest declares', () => {
    root = makeWorkspace({
      'package.json': {},
      'packages/demo/package.json': manifest({}),
      'packages/demo/src/a.int.test.ts': "import pg from 'pg';",
    });
    const result = runCheck('check-deps.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('src/a.int.test.ts imports pg');
  });

  it('fails on a peer without a real range', () => {
    root = makeWorkspace({
      'package.json': {},
      'packages/demo/package.json': manifest({ peerDependencies: { '@mlp/core': '*' } }),
    });
    const result = runCheck('check-deps.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('peer @mlp/core has no real range');
  });

  it('passes on this repository', () => {
    root = '';
    expect(runCheck('check-deps.mjs', path.resolve(import.meta.dirname, '..', '..'))).toMatchObject({ code: 0 });
  });
});
