import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, 'check-exports.mjs');
let root: string;

function makePackage(exportsMap: Record<string, unknown>, distFiles: string[], name = '@mlp/demo') {
  root = mkdtempSync(path.join(tmpdir(), 'mlp-exports-'));
  mkdirSync(path.join(root, 'tools', 'scripts'), { recursive: true });
  cpSync(script, path.join(root, 'tools', 'scripts', 'check-exports.mjs'));
  const dir = path.join(root, 'packages', 'demo');
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'index.ts'), '');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, exports: exportsMap }));
  for (const file of distFiles) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }
}

function run(): { code: number; output: string } {
  try {
    return {
      code: 0,
      output: execFileSync(process.execPath, [path.join(root, 'tools', 'scripts', 'check-exports.mjs')], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    };
  } catch (error) {
    const failure = error as { status: number; stderr: string };
    return { code: failure.status, output: failure.stderr };
  }
}

const entry = { '@mlp/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' };

describe('check-exports', () => {
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes when exports and built entries agree (chunks are not entries)', () => {
    makePackage({ '.': entry }, ['dist/index.js', 'dist/index.d.ts', 'dist/chunk-ABC.js']);
    expect(run().code).toBe(0);
  });

  it('fails when an export points at a file the build did not produce', () => {
    makePackage({ '.': entry, './extra': { types: './dist/extra.d.ts', import: './dist/extra.js' } }, ['dist/index.js', 'dist/index.d.ts']);
    const result = run();
    expect(result.code).toBe(1);
    expect(result.output).toContain('./dist/extra.js');
  });

  it("allows train's worker entries by name without exporting them, and nothing else", () => {
    makePackage({ '.': entry }, ['dist/index.js', 'dist/index.d.ts', 'dist/train-trial.js', 'dist/trial-thread-entry.js'], '@mlp/train');
    expect(run().code).toBe(0);
    rmSync(root, { recursive: true, force: true });
    makePackage({ '.': entry }, ['dist/index.js', 'dist/index.d.ts', 'dist/train-trial.js'], '@mlp/demo');
    expect(run().output).toContain('dist/train-trial.js is not in "exports"');
  });

  it('fails when the build bundled a package from node_modules (an undeclared dependency)', () => {
    makePackage({ '.': entry }, ['dist/index.d.ts', 'dist/index.js']);
    writeFileSync(
      path.join(root, 'packages', 'demo', 'dist', 'index.js'),
      '// ../../node_modules/drizzle-orm/entity.js\nvar entityKind = Symbol.for("drizzle:entityKind");\n// src/index.ts\n',
    );
    const result = run();
    expect(result.code).toBe(1);
    expect(result.output).toContain('dist/index.js bundles drizzle-orm');
  });

  it('fails when the build produced an entry that is not exported', () => {
    makePackage({ '.': entry }, ['dist/index.js', 'dist/index.d.ts', 'dist/orphan/index.js']);
    const result = run();
    expect(result.code).toBe(1);
    expect(result.output).toContain('orphan/index.js');
  });
});
