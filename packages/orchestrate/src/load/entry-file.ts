import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MlpError } from '@mlp/core';

/**
 * A process entry shipped with the package (`child-entry`, `detached-run-entry`) and the `node`
 * arguments to start it: from the sources (tests) it needs tsx and the @mlp/source condition.
 */
export function entryFile(name: string, sourceDir: string): { file: string; execArgv: string[] } {
  const fromSources = import.meta.url.endsWith('.ts');
  const candidates = fromSources ? [`../${sourceDir}/${name}.ts`] : [`./${name}.js`];
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file))
      return { file, execArgv: fromSources ? ['--conditions=@mlp/source', '--import', import.meta.resolve('tsx')] : [] };
  }
  throw new MlpError(
    'INTERNAL',
    `the process entry ${name} of @mlp/orchestrate is missing beside its code; the package build must emit ${name}.js.`,
  );
}
