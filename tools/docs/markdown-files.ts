// The Markdown the docs checks cover: docs/ (not the generated API HTML), the root README, every
// package's README, and the examples' READMEs.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'api' || entry.name === 'node_modules' ? [] : walk(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** Repository-relative paths, sorted. */
export function markdownFiles(root: string): string[] {
  const packages = readdirSync(path.join(root, 'packages')).map((name) => path.join(root, 'packages', name, 'README.md'));
  return [path.join(root, 'README.md'), ...packages, ...walk(path.join(root, 'docs')), ...walk(path.join(root, 'examples'))]
    .filter((file) => existsSync(file))
    .map((file) => path.relative(root, file))
    .sort();
}
