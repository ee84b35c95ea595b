// The API reference: TypeDoc over every package's public entry points (the `@mlp/source` targets of each
// package.json `exports`), as HTML in docs/api/ (gitignored: built by `npm run docs`, not committed).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Application, ReflectionKind } from 'typedoc';

type Exports = Record<string, string | Record<string, string>>;

/** `@mlp/core/s3` → packages/core/src/blobs/s3/index.ts, for every public subpath of every package. */
export function publicEntryPoints(root: string): { name: string; file: string }[] {
  const entries: { name: string; file: string }[] = [];
  for (const dir of readdirSync(path.join(root, 'packages')).sort()) {
    const manifest = JSON.parse(readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Exports;
    };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' ? target['@mlp/source'] : undefined;
      if (!source) continue;
      entries.push({ name: path.posix.join(manifest.name, subpath), file: path.join(root, 'packages', dir, source) });
    }
  }
  return entries;
}

export async function buildApiReference(root: string, out = path.join(root, 'docs', 'api')): Promise<{ out: string; entryPoints: number }> {
  const entries = publicEntryPoints(root);
  const app = await Application.bootstrapWithPlugins({
    name: 'mlp API reference',
    entryPoints: entries.map((entry) => entry.file),
    entryPointStrategy: 'resolve',
    // Always explicit: TypeDoc's default output folder is ./docs, which it empties before writing.
    out,
    tsconfig: path.join(root, 'tools', 'docs', 'tsconfig.typedoc.json'),
    readme: path.join(root, 'docs', 'README.md'),
    // The packages typecheck on their own (npm run typecheck); here only the shapes matter.
    skipErrorChecking: true,
    // No git remote to link sources to in every clone: the reference names files, the repository has them.
    disableSources: true,
    excludePrivate: true,
    excludeInternal: true,
    logLevel: 'Warn',
    validation: { notExported: false, invalidLink: false, rewrittenLink: false },
  });
  // Each module is named after the import path a user writes (`@mlp/core/s3`), not its file.
  const names = new Map(entries.map((entry) => [path.resolve(entry.file), entry.name]));
  app.converter.on('createDeclaration', (_context, reflection) => {
    if (reflection.kindOf(ReflectionKind.Module)) {
      const file = reflection.sources?.[0]?.fullFileName;
      const name = file ? names.get(path.resolve(file)) : undefined;
      if (name) reflection.name = name;
    }
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the packages: see the messages above.');
  await app.generateDocs(project, out);
  if (app.logger.hasErrors()) throw new Error('TypeDoc reported errors while writing the API reference: see the messages above.');
  return { out, entryPoints: entries.length };
}
