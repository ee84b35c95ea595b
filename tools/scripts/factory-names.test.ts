import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The lifecycle rule (docs/ARCHITECTURE.md): `create*` is synchronous and does no I/O, `open*` is
// async and may. An async `create*` is a factory named for the wrong side of that line.
const root = path.resolve(import.meta.dirname, '../..');

/** Functions that create a stored record (a run, a model, a webhook), not an object: async by nature. */
const recordOperations = new Set(['createRun', 'createModel', 'createWebhook']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'testing' ? [] : sources(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

describe('factory names', () => {
  it('no exported async create* factory (name it open*)', () => {
    const found: string[] = [];
    for (const pkg of readdirSync(path.join(root, 'packages'))) {
      const src = path.join(root, 'packages', pkg, 'src');
      let files: string[];
      try {
        files = sources(src);
      } catch {
        continue;
      }
      for (const file of files) {
        for (const match of readFileSync(file, 'utf8').matchAll(/export async function (create\w*)\(/g)) {
          if (!recordOperations.has(match[1] as string)) found.push(`${match[1]} in ${path.relative(root, file)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
