import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { buildApiReference, publicEntryPoints } from './api-reference.js';
import { renderConfigReference } from './config-reference.js';
import { markdownFiles } from './markdown-files.js';
import { brokenLinks } from './markdown-links.js';

// The docs build and hold together: the generated configuration reference matches the zod schemas,
// TypeDoc builds the API reference of every public entry point, and every relative link and #anchor
// in docs/, the READMEs and the examples resolves. The runnable code blocks of the same files run in
// tools/scripts/readme-snippets.int.test.ts.
const root = path.resolve(import.meta.dirname, '..', '..');

describe('docs', () => {
  it('docs/reference/configuration.md is what `npm run docs` generates from the schemas', () => {
    const committed = readFileSync(path.join(root, 'docs', 'reference', 'configuration.md'), 'utf8');
    expect(committed, 'docs/reference/configuration.md is stale: run `npm run docs` and commit it').toBe(renderConfigReference());
    // Every key of the schema is documented, with its variable where one overrides it.
    expect(committed).toMatch(/\| `database\.url` \| string \| `MLP_DATABASE_URL` \| `embedded` \|/);
    expect(committed).toMatch(/\| `features\.online\.url` \|[^\n]*`MLP_FEATURES_ONLINE_URL`/);
  });

  it('every internal link and #anchor resolves', () => {
    const files = markdownFiles(root);
    expect(files).toContain('docs/tutorial.md');
    const broken = files.flatMap((file) => brokenLinks(path.join(root, file), root));
    expect(broken.map((link) => `${link.file}:${link.line} (${link.target}): ${link.reason}`)).toEqual([]);
  });

  it('the link check catches a missing file and a missing anchor', async () => {
    const temp = await createTempDir('mlp-docs-links-');
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        path.join(temp.path, 'a.md'),
        '# Title `code`\n\n## Twice\n\n## Twice\n\n[ok](#title-code) [ok](#twice-1) [bad](#nope) [gone](b.md) `[code](c.md)`\n',
      );
      const broken = brokenLinks(path.join(temp.path, 'a.md'), temp.path);
      expect(broken.map((link) => link.target)).toEqual(['#nope', 'b.md']);
    } finally {
      await temp.remove();
    }
  });

  it('TypeDoc builds the API reference of every public entry point', async () => {
    const entries = publicEntryPoints(root);
    expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['@mlp/core', '@mlp/core/testing', '@mlp/tracking/mlflow']));
    const temp = await createTempDir('mlp-docs-api-');
    try {
      const { entryPoints } = await buildApiReference(root, temp.path);
      expect(entryPoints).toBe(entries.length);
      // The index lists each module under the import path a user writes, linking to its page.
      const index = readFileSync(path.join(temp.path, 'index.html'), 'utf8');
      for (const entry of entries) {
        const page = `modules/${entry.name.replace(/[@/]/g, '_')}.html`;
        expect(index, `${entry.name} is missing from the API reference`).toContain(`<a href="${page}">${entry.name}<`);
        expect(existsSync(path.join(temp.path, page)), `${page} was not written`).toBe(true);
      }
    } finally {
      await temp.remove();
    }
  }, 600_000);
});
