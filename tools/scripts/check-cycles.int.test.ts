import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCheck } from './fixture-workspace.js';

let root: string;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const demo = { name: '@mlp/demo', exports: { '.': { '@mlp/source': './src/index.ts' } } };

describe('check-cycles', () => {
  it('passes on an acyclic graph (a shared module both sides import)', () => {
    root = makeWorkspace({
      'packages/demo/package.json': demo,
      'packages/demo/src/index.ts': "export * from './a.js';\nexport * from './b.js';",
      'packages/demo/src/a.ts': "import { shared } from './shared.js';",
      'packages/demo/src/b.ts': "import { shared } from './shared.js';\nimport type { A } from './a.js';",
      'packages/demo/src/shared.ts': 'export const shared = 1;',
    });
    expect(runCheck('check-cycles.mjs', root)).toMatchObject({ code: 0 });
  });

  it('reports a runtime cycle, through a dynamic import as well', () => {
    root = makeWorkspace({
      'packages/demo/package.json': demo,
      'packages/demo/src/train.ts': "import { search } from './tracked-search.js';",
      'packages/demo/src/tracked-search.ts': "export const load = () => import('./train.js');",
    });
    const result = runCheck('check-cycles.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'runtime import cycles:\n- packages/demo/src/tracked-search.ts → packages/demo/src/train.ts → packages/demo/src/tracked-search.ts',
    );
    expect(result.output).not.toContain('type-only import cycles');
  });

  it('reports a type-only cycle that touches a runtime cycle as well as the runtime cycle', () => {
    root = makeWorkspace({
      'packages/demo/package.json': demo,
      'packages/demo/src/train.ts': "import { search } from './tracked-search.js';\nimport type { TrainEvent } from './train-event.js';",
      'packages/demo/src/tracked-search.ts': "import { formatMetrics } from './train.js';",
      'packages/demo/src/train-event.ts': "import type { TrialSummary } from './train.js';",
    });
    const result = runCheck('check-cycles.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('runtime import cycles:\n- packages/demo/src/tracked-search.ts → packages/demo/src/train.ts');
    expect(result.output).toContain('type-only import cycles');
    expect(result.output).toContain('- packages/demo/src/train-event.ts → packages/demo/src/train.ts → packages/demo/src/train-event.ts');
  });

  it('reports a cycle closed by `import type` apart, and resolves workspace packages to their sources', () => {
    root = makeWorkspace({
      'packages/demo/package.json': demo,
      'packages/demo/src/index.ts': "export { catalog } from './catalog.js';",
      'packages/demo/src/catalog.ts': "import { ingest } from './ingest/index.js';\nexport const catalog = 1;",
      'packages/demo/src/ingest/index.ts': "import type { catalog } from '@mlp/demo';",
    });
    const result = runCheck('check-cycles.mjs', root);
    expect(result.code).toBe(1);
    expect(result.output).not.toContain('runtime import cycles');
    expect(result.output).toContain('type-only import cycles');
    expect(result.output).toContain('packages/demo/src/ingest/index.ts');
  });

  it('passes on this repository', () => {
    root = '';
    expect(runCheck('check-cycles.mjs', path.resolve(import.meta.dirname, '..', '..'))).toMatchObject({ code: 0 });
  });
});
