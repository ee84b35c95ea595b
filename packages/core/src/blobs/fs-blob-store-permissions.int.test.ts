import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../testing/temp-dir.js';

// An integration test: it starts a child Node process (as `nobody` under root), whose start-up time
// on a loaded machine has nothing to do with the store.
describe('fs blob store permissions', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = await createTempDir('mlp-fs-blob-permissions-');
  });

  afterAll(async () => {
    await dir.remove();
  });

  it('maps permission errors to PERMISSION_DENIED, as root (running as nobody) or as a normal user', async () => {
    const guarded = path.join(dir.path, 'guarded');
    await mkdir(path.join(guarded, 'secret'), { recursive: true });
    await mkdir(path.join(guarded, 'locked'), { recursive: true });
    await writeFile(path.join(guarded, 'secret', 'file'), 'secret');
    await writeFile(path.join(guarded, 'locked', 'inner'), 'x');
    await chmod(path.join(guarded, 'secret', 'file'), 0o000);
    await chmod(path.join(guarded, 'locked'), 0o000);
    await chmod(path.join(guarded, 'secret'), 0o555);
    await chmod(guarded, 0o555);
    try {
      const results = runAsUnprivileged(dir.path, guarded);
      for (const operation of ['put', 'get', 'list', 'delete'] as const) {
        expect(results[operation], `${operation}: ${JSON.stringify(results[operation])}`).toMatchObject({
          code: 'PERMISSION_DENIED',
          isMlpError: true,
        });
        // Messages reach HTTP clients: they name the key, never the server's folder.
        expect(JSON.stringify(results[operation])).not.toContain(guarded);
      }
      expect(results.head).toMatchObject({ code: 'PERMISSION_DENIED' });
    } finally {
      await chmod(guarded, 0o755);
      await chmod(path.join(guarded, 'secret'), 0o755);
      await chmod(path.join(guarded, 'locked'), 0o755);
    }
  });
});

type ChildResult = Record<
  'put' | 'get' | 'head' | 'list' | 'delete',
  { code?: string; message?: string; isMlpError?: boolean } | 'ok' | undefined
>;

/**
 * Runs the store in a child process that permission bits apply to: as `nobody` when the tests run as
 * root (root ignores them), else as this user. Node 20 cannot run TypeScript, so the child gets a
 * tiny loader that transpiles the sources with the project's TypeScript.
 */
function runAsUnprivileged(workDir: string, guarded: string): ChildResult {
  const require = createRequire(import.meta.url);
  const typescript = pathToFileURL(require.resolve('typescript')).href;
  const loader = path.join(workDir, 'ts-loader.mjs');
  const register = path.join(workDir, 'register.mjs');
  const script = path.join(workDir, 'child.mjs');
  const write = (file: string, text: string) => execFileSync('sh', ['-c', 'cat > "$1" && chmod 644 "$1"', 'sh', file], { input: text });
  write(
    loader,
    `import { readFile } from 'node:fs/promises';
import ts from ${JSON.stringify(typescript)};
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); } catch (error) {
    if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(specifier.slice(0, -3) + '.ts', context);
    throw error;
  }
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const output = ts.transpileModule(source, { fileName: url, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
`,
  );
  write(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(loader).href)});\n`);
  write(
    script,
    `const { createFsBlobStore } = await import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'fs-blob-store.ts')).href)});
const store = createFsBlobStore({ root: process.argv[2] });
const attempts = {
  put: () => store.put('new/key', 'x'),
  get: () => store.getBytes('secret/file'),
  head: () => store.head('locked/inner'),
  list: async () => { for await (const _ of store.list('locked/')); },
  delete: () => store.delete('secret/file'),
};
const results = {};
for (const [name, attempt] of Object.entries(attempts)) {
  try { await attempt(); results[name] = 'ok'; }
  catch (error) { results[name] = { code: error.code, message: error.message, isMlpError: error.name === 'MlpError' }; }
}
console.log(JSON.stringify(results));
`,
  );
  const asRoot = process.getuid?.() === 0;
  const identity = asRoot
    ? { uid: Number(execFileSync('id', ['-u', 'nobody']).toString()), gid: Number(execFileSync('id', ['-g', 'nobody']).toString()) }
    : {};
  const child = spawnSync(process.execPath, ['--import', register, script, guarded], { encoding: 'utf8', cwd: workDir, ...identity });
  if (child.status !== 0) throw new Error(`The unprivileged child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}
