import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTestFile, walkTypeScript } from './import-graph.mjs';

// The lifecycle rule (docs/ARCHITECTURE.md): `create*` is synchronous and does no I/O, `open*` is
// async and may. An async `create*` is a factory named for the wrong side of that line.
const root = path.resolve(import.meta.dirname, '../..');

/** Functions that create a stored record (a run, a model, a webhook), not an object: async by nature. */
const recordOperations = new Set(['createRun', 'createModel', 'createWebhook']);

describe('factory names', () => {
  it('no exported async create* factory (name it open*)', () => {
    const found: string[] = [];
    for (const file of walkTypeScript(path.join(root, 'packages'))) {
      const relative = path.relative(root, file);
      // Published contract suites and test helpers are not factories.
      if (isTestFile(relative) || !relative.includes(`${path.sep}src${path.sep}`) || relative.includes(`${path.sep}testing${path.sep}`))
        continue;
      for (const match of readFileSync(file, 'utf8').matchAll(/export async function (create\w*)\(/g)) {
        if (!recordOperations.has(match[1] as string)) found.push(`${match[1]} in ${relative}`);
      }
    }
    expect(found).toEqual([]);
  });
});
