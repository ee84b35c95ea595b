import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTestFile, walkTypeScript } from '../scripts/import-graph.mjs';

// Every MLP_* variable the packages read is documented: in docs/configuration.md (the packages'
// variables) or the generated reference (the config file's). A variable added without a line fails here.
const root = path.resolve(import.meta.dirname, '../..');

/** Variable names as code reads them: `process.env.MLP_X`, `env.MLP_X`, `env['MLP_X']`, or the name as a string. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /(?:env\.|env\[['"]|['"`])(MLP_[A-Z0-9_]*[A-Z0-9])(?=['"`\]]|\b)/g;
  for (const file of walkTypeScript(path.join(root, 'packages'))) {
    const relative = path.relative(root, file);
    if (isTestFile(relative) || !relative.includes(`${path.sep}src${path.sep}`) || relative.includes(`${path.sep}generated${path.sep}`))
      continue;
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const name = match[1] as string;
      if (!found.has(name)) found.set(name, relative);
    }
  }
  return found;
}

describe('docs/configuration.md', () => {
  it('names every MLP_* variable the packages read', () => {
    const docs = ['docs/configuration.md', 'docs/reference/configuration.md']
      .map((file) => readFileSync(path.join(root, file), 'utf8'))
      .join('\n');
    // `MLP_TEST_S3_*` in the docs covers MLP_TEST_S3_ENDPOINT and its siblings.
    const prefixes = [...docs.matchAll(/`(MLP_[A-Z0-9_]+_)\*`/g)].map((match) => match[1] as string);
    const documented = (name: string) => new RegExp(`\\b${name}\\b`).test(docs) || prefixes.some((prefix) => name.startsWith(prefix));
    const read = variablesRead();
    expect(read.size).toBeGreaterThan(20);
    const missing = [...read].filter(([name]) => !documented(name)).map(([name, file]) => `${name} (read in ${file})`);
    expect(missing).toEqual([]);
  });
});
