// `npm run docs`: writes the generated references. `--check` writes nothing and exits 1 when a committed
// generated file is stale; `--no-api` skips TypeDoc (docs/api/, gitignored, HTML).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildApiReference } from './api-reference.js';
import { renderConfigReference } from './config-reference.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const check = process.argv.includes('--check');
const withApi = !process.argv.includes('--no-api') && !check;

const generated: Record<string, string> = { 'docs/reference/configuration.md': renderConfigReference() };

let stale = 0;
for (const [file, text] of Object.entries(generated)) {
  const target = path.join(root, file);
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current === text) continue;
  if (check) {
    console.error(`${file} is out of date: run \`npm run docs\` and commit it.`);
    stale++;
    continue;
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(`${target}.tmp`, text);
  await rename(`${target}.tmp`, target); // atomic: a reader never sees half a file
  console.log(`wrote ${file}`);
}
if (stale > 0) process.exit(1);
if (withApi) {
  const { out, entryPoints } = await buildApiReference(root);
  console.log(`wrote the API reference of ${entryPoints} public entry points to ${path.relative(root, out)}/index.html`);
}
