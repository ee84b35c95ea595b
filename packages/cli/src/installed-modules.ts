import type { CliCommandModule } from './command-module.js';

/**
 * The packages whose commands `mlp` offers when they are installed. The CLI does not depend on
 * them (they depend on the CLI's types), so a project installs only the packages it uses.
 */
export const knownCommandPackages = [
  '@mlp/tracking/cli',
  '@mlp/data-version/cli',
  '@mlp/validate/cli',
  '@mlp/registry/cli',
  '@mlp/train/cli',
  '@mlp/server/cli',
  '@mlp/orchestrate/cli',
  '@mlp/deploy/cli',
  '@mlp/monitor/cli',
  '@mlp/features/cli',
] as const;

type Importer = (specifier: string) => Promise<Record<string, unknown>>;

/** Loads the command module of every installed package in `specifiers`; an absent package is skipped. */
export async function loadInstalledModules(
  specifiers: readonly string[] = knownCommandPackages,
  importer: Importer = (specifier) => import(specifier),
): Promise<CliCommandModule[]> {
  const modules: CliCommandModule[] = [];
  for (const specifier of specifiers) {
    let loaded: Record<string, unknown>;
    try {
      loaded = await importer(specifier);
    } catch (error) {
      if (isMissing(error, specifier)) continue;
      throw error; // an installed package that fails to load is a real problem: say so
    }
    for (const value of Object.values(loaded)) if (isCommandModule(value)) modules.push(value);
  }
  return modules;
}

function isMissing(error: unknown, specifier: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  const packageName = specifier.split('/').slice(0, 2).join('/');
  // Node names the package it could not find in quotes; a dependency missing inside an installed
  // package names that dependency instead, and must not be mistaken for an absent package.
  if (code === 'ERR_MODULE_NOT_FOUND') return Boolean(message?.includes(`'${packageName}'`));
  // An older version of the package, without a `cli` export.
  return code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' && Boolean(message?.includes(`${packageName}/package.json`));
}

function isCommandModule(value: unknown): value is CliCommandModule {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CliCommandModule).name === 'string' &&
    typeof (value as CliCommandModule).register === 'function'
  );
}
