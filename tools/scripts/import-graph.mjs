// The TypeScript import graph of the workspace's packages, read with the TypeScript parser (no type
// checking, so it is fast): every import/export-from/dynamic import()/import type of every .ts file
// under packages/*/src and packages/*/test, each marked runtime or type-only. Under
// verbatimModuleSyntax only `import type`/`export type` (and `typeof import()` types) vanish at run time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** A file counts as test code when it is a test or sits in a test-only folder (never published). */
export function isTestFile(relativePath) {
  return /\.test\.ts$/.test(relativePath) || /(^|\/)(test|test-support)\//.test(relativePath);
}

/** @returns {{ name: string, dir: string, manifest: object }[]} */
export function readPackages(root) {
  const packagesDir = path.join(root, 'packages');
  return readdirSync(packagesDir)
    .map((name) => path.join(packagesDir, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, dir, manifest };
    });
}

/** Every import of one file: `{ specifier, typeOnly }`. */
export function readImports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const imports = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      imports.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) imports.push({ specifier: argument.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node)) {
      const literal = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      if (literal && ts.isStringLiteral(literal)) imports.push({ specifier: literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return imports;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; relative and node: specifiers → undefined. */
export function packageNameOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function* walkTypeScript(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'fixtures') continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walkTypeScript(full);
    else if (full.endsWith('.ts') && !full.endsWith('.d.ts')) yield full;
  }
}

/** The package's own .ts files, relative to its folder with `/` separators. */
export function packageFiles(pkg) {
  return [...walkTypeScript(path.join(pkg.dir, 'src')), ...walkTypeScript(path.join(pkg.dir, 'test'))].map((file) => ({
    file,
    relative: path.relative(pkg.dir, file).split(path.sep).join('/'),
  }));
}

/** Resolves a relative specifier (`./x.js`, `./x`, `./dir`) or a workspace package's export to a .ts file. */
export function resolveImport(fromFile, specifier, packages) {
  if (specifier.startsWith('.')) return resolveFile(path.resolve(path.dirname(fromFile), specifier));
  const name = packageNameOf(specifier);
  const pkg = packages.find((candidate) => candidate.name === name);
  if (!pkg) return undefined;
  const subpath = `.${specifier.slice(name.length)}`;
  const target = pkg.manifest.exports?.[subpath];
  const source = typeof target === 'object' ? target['@mlp/source'] : undefined;
  return source ? resolveFile(path.join(pkg.dir, source)) : undefined;
}

function resolveFile(base) {
  const stem = base.replace(/\.(js|ts|mjs)$/, '');
  for (const candidate of [`${stem}.ts`, path.join(base, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return undefined;
}
