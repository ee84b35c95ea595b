#!/usr/bin/env node
import { readFileSync } from 'node:fs';
// Fails when a package imports what its package.json does not declare: every bare import of the
// published code (src/, not tests) must be in dependencies, peerDependencies or optionalDependencies
// (tsup bundles anything undeclared into dist/, as drizzle-orm once was into registry); a test's
// imports may also come from devDependencies or the root's devDependencies (vitest, tooling).
// Peers carry real ranges: a `*` peer accepts any major of a package whose API we depend on.
import { builtinModules, isBuiltin } from 'node:module';
import path from 'node:path';
import { isTestFile, packageFiles, packageNameOf, readImports, readPackages } from './import-graph.mjs';

const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(import.meta.dirname, '..', '..');
const rootManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const problems = [];

for (const pkg of readPackages(root)) {
  const { manifest } = pkg;
  const published = new Set(
    [manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {})),
  );
  const forTests = new Set([
    ...published,
    ...Object.keys(manifest.devDependencies ?? {}),
    ...Object.keys(rootManifest.devDependencies ?? {}),
  ]);
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {}))
    if (range.trim() === '*' || range.trim() === '')
      problems.push(`${pkg.name}: peer ${peer} has no real range ("${range}"); give it one, e.g. "^0.1.0"`);

  const reported = new Set();
  for (const { file, relative } of packageFiles(pkg)) {
    const test = isTestFile(relative);
    for (const { specifier } of readImports(file)) {
      const name = packageNameOf(specifier);
      if (!name || name === pkg.name || isBuiltin(specifier) || builtinModules.includes(name)) continue;
      if ((test ? forTests : published).has(name)) continue;
      const key = `${name}:${test}`;
      if (reported.has(key)) continue;
      reported.add(key);
      problems.push(
        test
          ? `${pkg.name}: ${relative} imports ${name}, which is in none of its dependencies, devDependencies or the root's devDependencies`
          : `${pkg.name}: ${relative} imports ${name}, which is not in its dependencies or peerDependencies (a devDependency is not installed for users)`,
      );
    }
  }
}

if (problems.length > 0) {
  console.error(`dependency check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('dependency check: every import is declared, every peer has a range');
