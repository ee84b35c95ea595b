import { describe, expect, it } from 'vitest';
import type { CliCommandModule } from './command-module.js';
import { loadInstalledModules } from './installed-modules.js';

const module: CliCommandModule = { name: 'demo', register: () => {} };

describe('loadInstalledModules', () => {
  it('loads the command modules a package exports and skips packages that are not installed', async () => {
    const importer = async (specifier: string) => {
      if (specifier === '@mlp/present/cli') return { demoCommands: module, somethingElse: 42 };
      throw Object.assign(new Error(`Cannot find package '@mlp/absent' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    expect(await loadInstalledModules(['@mlp/absent/cli', '@mlp/present/cli'], importer)).toEqual([module]);
  });

  it('reports an installed package that fails to load instead of hiding it', async () => {
    const importer = async () => {
      throw Object.assign(new Error(`Cannot find package 'commander' imported from /app/node_modules/@mlp/present/dist/cli.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    await expect(loadInstalledModules(['@mlp/present/cli'], importer)).rejects.toThrow('commander');
  });
});
