import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, STATE_DIR_NAME } from '@mlp/core';
import { type IniSections, parseIni } from './ini-config.js';

/**
 * Where a project keeps its cache, remotes and state. A project with a `.dvc/` folder is shared with
 * DVC: its cache (`cache.dir` of `.dvc/config`, else `.dvc/cache`) and its remotes are used as they
 * are, so `dvc` and `mlp data` see the same data. Otherwise everything lives under `.mlp/`.
 */
export interface DataLayout {
  readonly root: string;
  readonly kind: 'dvc' | 'mlp';
  /** The cache root; objects live under `<cacheDir>/files/md5/`. */
  readonly cacheDir: string;
  /** Temporary files of cache writes, on the cache's file system so renames are atomic. */
  readonly tempDir: string;
  /** The state cache (file signatures to md5). */
  readonly stateFile: string;
  /** The folder holding the project lock. */
  readonly lockDir: string;
  /** Remotes: `.dvc/config` (INI) or `.mlp/data-config.json`. */
  readonly configFile: string;
  /** DVC's per-checkout overrides (credentials), read but never written. */
  readonly localConfigFile: string | undefined;
}

export const DVC_DIR = '.dvc';
export const MLP_DATA_CONFIG = 'data-config.json';

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads an INI config, or an empty one when the file does not exist. */
export async function readIniFile(file: string): Promise<IniSections> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new MlpError('PERMISSION_DENIED', `Cannot read ${file}: ${(error as Error).message}.`, { cause: error });
  }
  return parseIni(text, file);
}

export async function resolveDataLayout(root: string): Promise<DataLayout> {
  const absoluteRoot = path.resolve(root);
  if (!(await isDirectory(absoluteRoot)))
    throw new MlpError('NOT_FOUND', `The project folder ${absoluteRoot} does not exist. Create it or pass another root.`);
  const dvcDir = path.join(absoluteRoot, DVC_DIR);
  if (await isDirectory(dvcDir)) {
    const configFile = path.join(dvcDir, 'config');
    const localConfigFile = path.join(dvcDir, 'config.local');
    const [shared, local] = await Promise.all([readIniFile(configFile), readIniFile(localConfigFile)]);
    const cacheSetting = local.get('cache')?.get('dir') ?? shared.get('cache')?.get('dir');
    // DVC resolves a relative cache.dir against the folder of the config file that sets it.
    const cacheDir = cacheSetting ? path.resolve(dvcDir, cacheSetting) : path.join(dvcDir, 'cache');
    const tmp = path.join(dvcDir, 'tmp');
    return {
      root: absoluteRoot,
      kind: 'dvc',
      cacheDir,
      tempDir: path.join(cacheDir, '.mlp-tmp'),
      stateFile: path.join(tmp, 'mlp-data-state.json'),
      lockDir: tmp,
      configFile,
      localConfigFile,
    };
  }
  const stateDir = path.join(absoluteRoot, STATE_DIR_NAME);
  const cacheDir = path.join(stateDir, 'cache');
  return {
    root: absoluteRoot,
    kind: 'mlp',
    cacheDir,
    tempDir: path.join(cacheDir, '.mlp-tmp'),
    stateFile: path.join(stateDir, 'data-state.json'),
    lockDir: stateDir,
    configFile: path.join(stateDir, MLP_DATA_CONFIG),
    localConfigFile: undefined,
  };
}
