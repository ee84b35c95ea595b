#!/usr/bin/env node
// Fails when a package's `exports` map and its built entry points drift apart: every export target
// (source, types, JavaScript) must exist, and every built entry file must be exported, be the bin, or
// be an internal entry named below.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(import.meta.dirname, '..', '..');
/** Built entries loaded by file URL at run time (worker threads, forked children), not imported by users: not exported. */
const internalEntries = {
  '@mlp/cli': ['./dist/bin.js'], // loaded by bin/mlp.js
  '@mlp/train': [
    './dist/train-trial.js',
    './dist/trial-thread-entry.js',
    './dist/trial-process-entry.js',
    './dist/trial-queue-job.js', // imported by `mlp worker` from its file URL
  ],
  '@mlp/orchestrate': ['./dist/child-entry.js', './dist/detached-run-entry.js', './dist/contract-pipeline.js'],
};
/** Folders of browser assets (Vite's bundles, which include their dependencies by design): not Node entries. */
const browserAssets = {
  '@mlp/server': ['./dist/ui'],
};
const problems = [];

for (const name of readdirSync(path.join(root, 'packages'))) {
  const dir = path.join(root, 'packages', name);
  const manifestPath = path.join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const exported = new Set((internalEntries[manifest.name] ?? []).map((file) => path.normalize(file)));
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const targets = typeof target === 'string' ? { default: target } : target;
    for (const [condition, file] of Object.entries(targets)) {
      if (!existsSync(path.join(dir, file)))
        problems.push(`${manifest.name}: exports["${subpath}"]["${condition}"] points at missing ${file}`);
      if (file.endsWith('.js')) exported.add(path.normalize(file));
    }
    if (typeof target === 'object' && target.import && !target.types)
      problems.push(`${manifest.name}: exports["${subpath}"] has no "types"`);
  }
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const bin of bins) {
    if (!existsSync(path.join(dir, bin))) problems.push(`${manifest.name}: bin ${bin} is missing`);
    exported.add(path.normalize(bin));
  }
  const dist = path.join(dir, 'dist');
  if (!existsSync(dist)) {
    problems.push(`${manifest.name}: no dist/ (run the build first)`);
    continue;
  }
  const assetDirs = (browserAssets[manifest.name] ?? []).map((folder) => path.join(dir, folder) + path.sep);
  for (const file of walk(dist)) {
    if (assetDirs.some((folder) => file.startsWith(folder))) continue;
    const relative = path.normalize(`./${path.relative(dir, file)}`);
    // esbuild marks each bundled module with a `// <path>` comment: one under node_modules is an
    // undeclared dependency copied into dist (as drizzle-orm once was into registry).
    if (relative.endsWith('.js')) {
      const bundled = new Set(
        [...readFileSync(file, 'utf8').matchAll(/^\/\/ [^\n]*?node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)].map((match) => match[1]),
      );
      for (const name of bundled)
        problems.push(`${manifest.name}: ${relative} bundles ${name}; declare it in dependencies or peerDependencies`);
    }
    const isEntry = relative.endsWith('.js') && !path.basename(relative).startsWith('chunk-');
    if (isEntry && !exported.has(relative))
      problems.push(`${manifest.name}: built entry ${relative} is not in "exports" (add it, or drop it from tsup's entries)`);
  }
}

if (problems.length > 0) {
  console.error(`exports check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('exports check: every package export matches its built entry points');

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}
