import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { markdownFiles } from '../docs/markdown-files.js';

// The READMEs' and docs' code must run as written on the Node version they name (20). Every ```js block must
// parse as an ES module on this Node; every block marked `runnable` (```js runnable, ```sh runnable)
// runs, in order per README, in a fresh folder that resolves the built packages like an installed
// project, and must exit 0 by itself. ```js file=NAME only writes the block to NAME for a later
// runnable sh block. `npm test` builds first.
const root = path.resolve(import.meta.dirname, '..', '..');
// The READMEs, docs/ and the examples' READMEs: the same files whose links tools/docs/docs.int.test.ts checks.
const readmes = markdownFiles(root);

interface Block {
  lang: string;
  runnable: boolean;
  file?: string;
  code: string;
  line: number;
}

function blocksOf(readme: string): Block[] {
  const text = readFileSync(path.join(root, readme), 'utf8');
  const blocks: Block[] = [];
  for (const match of text.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const words = (match[2] ?? '').trim().split(/\s+/);
    const file = words.find((word) => word.startsWith('file='))?.slice('file='.length);
    blocks.push({
      lang: match[1] ?? '',
      runnable: words.includes('runnable'),
      ...(file ? { file } : {}),
      code: match[3] ?? '',
      line: text.slice(0, match.index).split('\n').length,
    });
  }
  return blocks;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  env.PATH = `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${env.PATH ?? ''}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('README code blocks', () => {
  it('use no syntax Node 20 lacks: every js block parses as a module, and none uses `await using`', async () => {
    const temp = await createTempDir('mlp-readme-check-');
    try {
      for (const readme of readmes) {
        for (const [index, block] of blocksOf(readme).entries()) {
          const where = `${readme}:${block.line}`;
          expect(block.code, `${where} uses \`await using\`, a syntax error on Node 20`).not.toMatch(/^\s*await using\b/m);
          if (block.lang !== 'js') continue;
          const file = path.join(temp.path, `block-${index}.mjs`);
          await writeFile(file, block.code);
          const checked = await run(process.execPath, ['--check', file], temp.path);
          expect(checked.code, `${where} does not parse on ${process.version}:\n${checked.output}`).toBe(0);
        }
      }
    } finally {
      await temp.remove();
    }
  });

  for (const readme of readmes) {
    const blocks = blocksOf(readme);
    if (!blocks.some((block) => block.runnable)) continue;
    it(`runs the runnable blocks of ${readme} as written`, async () => {
      for (const dist of ['core', 'cli'].map((name) => path.join(root, 'packages', name, 'dist', 'index.js'))) {
        if (!existsSync(dist)) throw new Error(`${dist} is missing: build first (npm run build).`);
      }
      const temp = await createTempDir('mlp-readme-run-');
      try {
        // As in an installed project: the packages and their dependencies resolve from ./node_modules.
        await symlink(path.join(root, 'node_modules'), path.join(temp.path, 'node_modules'), 'dir');
        for (const [index, block] of blocks.entries()) {
          const where = `${readme}:${block.line}`;
          if (block.file) await writeFile(path.join(temp.path, block.file), block.code);
          if (!block.runnable) continue;
          let result: { code: number | null; output: string };
          if (block.lang === 'js') {
            const file = path.join(temp.path, `snippet-${index}.mjs`);
            await writeFile(file, block.code);
            result = await run(process.execPath, [file], temp.path);
          } else if (block.lang === 'sh') {
            result = await run('bash', ['-e', '-o', 'pipefail', '-c', block.code], temp.path);
          } else {
            throw new Error(`${where}: a runnable block must be js or sh, not ${block.lang}`);
          }
          expect(result.code, `${where} failed:\n${result.output}`).toBe(0);
        }
      } finally {
        await temp.remove();
      }
    }, 600_000);
  }
});
