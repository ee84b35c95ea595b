import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpError, sha256Hex } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, relativeModulePath } from './load-pipeline.js';

const fixture = fileURLToPath(new URL('../test-support/cli-pipeline.ts', import.meta.url));
let dir: TempDir;

beforeAll(async () => {
  dir = await createTempDir('mlp-orchestrate-load-');
});
afterAll(async () => dir?.remove());

async function errorOf(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

describe('loadPipeline', () => {
  it('loads a .ts module without a build step and records its path and source hash', async () => {
    const { pipeline, ref } = await loadPipeline(fixture, path.dirname(fixture));
    expect(pipeline.name).toBe('cli-demo');
    expect(ref).toEqual({
      name: 'cli-demo',
      modulePath: 'cli-pipeline.ts',
      sourceHash: sha256Hex(await import('node:fs').then((fs) => fs.readFileSync(fixture, 'utf8'))),
    });
    expect(relativeModulePath('/elsewhere/p.ts', path.dirname(fixture))).toBe('/elsewhere/p.ts');
  });

  it('refuses a module whose source changed since the run started', async () => {
    const error = await errorOf(loadPipeline(fixture, path.dirname(fixture), 'f'.repeat(64)));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toMatch(/changed since the run started/);
  });

  it('says what to do with a missing file, a module that throws, one without a pipeline, and a .ts loaded as CommonJS', async () => {
    expect((await errorOf(loadPipeline('nope.mjs', dir.path))).code).toBe('NOT_FOUND');
    await writeFile(path.join(dir.path, 'throws.mjs'), "throw new Error('no config');\n");
    const thrown = await errorOf(loadPipeline('throws.mjs', dir.path));
    expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT', message: "the pipeline module 'throws.mjs' threw while loading: no config" });
    await writeFile(path.join(dir.path, 'empty.mjs'), 'export default { name: "not a pipeline" };\n');
    expect((await errorOf(loadPipeline('empty.mjs', dir.path))).message).toMatch(/has no pipeline as its default export/);
    // A .ts file outside an ESM package is CommonJS to tsx: importing an ESM-only package fails, and the error says what to do.
    const cjsDir = path.join(dir.path, 'cjs');
    await mkdir(path.join(cjsDir, 'node_modules', 'esm-only'), { recursive: true });
    await writeFile(
      path.join(cjsDir, 'node_modules', 'esm-only', 'package.json'),
      JSON.stringify({ name: 'esm-only', type: 'module', exports: { import: './index.js' } }),
    );
    await writeFile(path.join(cjsDir, 'node_modules', 'esm-only', 'index.js'), 'export const one = 1;\n');
    await writeFile(path.join(cjsDir, 'commonjs.ts'), "import { one } from 'esm-only';\nexport default one;\n");
    const cjs = await errorOf(loadPipeline('commonjs.ts', cjsDir));
    expect(cjs.code).toBe('FAILED_PRECONDITION');
    expect(cjs.message).toMatch(/loads as CommonJS.*add "type": "module" to the package.json beside it, or name it \.mts/);
  });
});
