// The API reference: TypeDoc over every package's public entry points (the `@mlp/source` targets of each
// package.json `exports`), as HTML in docs/api/ (gitignored: built by `npm run docs`, not committed).
// TypeDoc runs as a child process in a scratch folder and writes there; the result is then moved into
// place. TypeDoc empties its output folder first (its default is ./docs), so it never writes in the tree.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

type Exports = Record<string, string | Record<string, string>>;

/** `@mlp/core/s3` → packages/core/src/blobs/s3/index.ts, for every public subpath of every package. */
export function publicEntryPoints(root: string): { name: string; file: string }[] {
  const entries: { name: string; file: string }[] = [];
  for (const dir of readdirSync(path.join(root, 'packages')).sort()) {
    const manifest = JSON.parse(readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Exports;
    };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' ? target['@mlp/source'] : undefined;
      if (!source) continue;
      entries.push({ name: path.posix.join(manifest.name, subpath), file: path.join(root, 'packages', dir, source) });
    }
  }
  return entries;
}

/** Builds the reference into `out` (replaced whole once the build succeeded). */
export async function buildApiReference(root: string, out = path.join(root, 'docs', 'api')): Promise<{ out: string; entryPoints: number }> {
  const entries = publicEntryPoints(root);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mlp-typedoc-'));
  try {
    const built = path.join(scratch, 'api');
    const options = {
      name: 'mlp API reference',
      entryPoints: entries.map((entry) => entry.file),
      entryPointStrategy: 'resolve',
      tsconfig: path.join(root, 'tools', 'docs', 'tsconfig.typedoc.json'),
      // docs/README.md's relative links would not resolve inside the HTML: the docs link to the reference instead.
      readme: 'none',
      out: built,
      plugin: [path.join(root, 'tools', 'docs', 'typedoc-module-names.mjs')],
      // The packages typecheck on their own (npm run typecheck); here only the shapes matter.
      skipErrorChecking: true,
      // No git remote to link sources to in every clone: the reference does not link sources.
      disableSources: true,
      excludePrivate: true,
      excludeInternal: true,
      logLevel: 'Warn',
      validation: { notExported: false, invalidLink: false, rewrittenLink: false },
    };
    await writeFile(path.join(scratch, 'typedoc.json'), JSON.stringify(options));
    await writeFile(
      path.join(scratch, 'module-names.json'),
      JSON.stringify(Object.fromEntries(entries.map((entry) => [entry.file, entry.name]))),
    );
    const bin = path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const { code, output } = await run(process.execPath, [bin, '--options', path.join(scratch, 'typedoc.json')], scratch);
    if (code !== 0) throw new Error(`TypeDoc failed (exit ${code}):\n${output}`);
    await rm(out, { recursive: true, force: true });
    await rename(built, out).catch(async () => {
      // Another file system (os.tmpdir() on tmpfs): copy instead.
      const { cp } = await import('node:fs/promises');
      await cp(built, out, { recursive: true });
    });
    return { out, entryPoints: entries.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
