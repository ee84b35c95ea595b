#!/usr/bin/env node
import { readFileSync } from 'node:fs';
// Fails when two packages export the same public name from their entry points (`Page` from both
// tracking and registry): a user importing both has to alias one. A name re-exported from another
// workspace package (tracking re-exporting core's `DatasetLineage`) is that package's, not a collision.
import path from 'node:path';
import ts from 'typescript';
import { readPackages, resolveImport } from './import-graph.mjs';

const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(import.meta.dirname, '..', '..');
const packages = readPackages(root);
const workspaceNames = new Set(packages.map((pkg) => pkg.name));
/** @type {Map<string, Set<string>>} public name → packages defining it */
const owners = new Map();

for (const pkg of packages)
  for (const target of Object.values(pkg.manifest.exports ?? {})) {
    const source = typeof target === 'object' ? target['@mlp/source'] : undefined;
    if (!source) continue;
    const file = path.join(pkg.dir, source);
    const parsed = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const name of ownExports(parsed)) {
      if (!owners.has(name)) owners.set(name, new Set());
      owners.get(name).add(pkg.name);
    }
  }

const problems = [...owners].filter(([, where]) => where.size > 1).map(([name, where]) => `${name}: exported by ${[...where].join(', ')}`);
if (problems.length > 0) {
  console.error(`public name check failed (rename one, with its package in the name):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`public name check: ${owners.size} exported names, none shared between packages`);

/** Names an entry file exports as its own: a name re-exported (through local files) from another workspace package is left out. */
function* ownExports(source) {
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
      const from = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      for (const element of statement.exportClause.elements)
        if (!(from && isForeign(source.fileName, from, (element.propertyName ?? element.name).text))) yield element.name.text;
    } else if (isExported(statement)) {
      if (ts.isVariableStatement(statement))
        for (const declaration of statement.declarationList.declarations)
          if (ts.isIdentifier(declaration.name)) yield declaration.name.text;
      if ('name' in statement && statement.name && ts.isIdentifier(statement.name)) yield statement.name.text;
    }
  }
}

function isExported(statement) {
  return (
    ts.canHaveModifiers(statement) && Boolean(ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword))
  );
}

/** Whether `name`, exported by `fromFile` from `specifier`, comes from another workspace package. */
function isForeign(fromFile, specifier, name) {
  if ([...workspaceNames].some((pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`))) return true;
  if (!specifier.startsWith('.')) return false;
  const file = resolveImport(fromFile, specifier, packages);
  if (!file) return false;
  const parsed = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  for (const statement of parsed.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
    const next = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
    const element = statement.exportClause.elements.find((candidate) => candidate.name.text === name);
    if (element && next) return isForeign(file, next, (element.propertyName ?? element.name).text);
  }
  return false;
}
