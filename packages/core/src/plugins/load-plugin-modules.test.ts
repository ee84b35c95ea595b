import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { createTempDir, type TempDir } from '../testing/temp-dir.js';
import { loadPluginModules } from './load-plugin-modules.js';
import { createPluginRegistry } from './plugin-registry.js';

let temp: TempDir;
beforeAll(async () => {
  temp = await createTempDir('mlp-plugin-modules-');
  await writeFile(
    path.join(temp.path, 'named.mjs'),
    "export function register(plugins) { plugins.register('blobDriver', { name: 'named', schemes: ['named'], open: async () => ({}) }); }\n",
  );
  await writeFile(
    path.join(temp.path, 'default.mjs'),
    "export default async (plugins) => { plugins.register('blobDriver', { name: 'default', schemes: ['dflt'], open: async () => ({}) }); };\n",
  );
  await writeFile(path.join(temp.path, 'nothing.mjs'), 'export const x = 1;\n');
});
afterAll(() => temp.remove());

const configFile = () => path.join(temp.path, 'mlp.config.json');

async function errorOf(work: Promise<unknown>): Promise<MlpError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

describe('loadPluginModules', () => {
  it('registers what each module registers, by a register export or a default one, paths relative to the workspace', async () => {
    const plugins = createPluginRegistry();
    await loadPluginModules(['./named.mjs', path.join(temp.path, 'default.mjs')], temp.path, configFile(), plugins);
    expect(plugins.list('blobDriver').map((plugin) => plugin.name)).toEqual(['named', 'default']);
  });

  it('says which listed module cannot be loaded, and which exports no register function', async () => {
    const missing = await errorOf(loadPluginModules(['./missing.mjs'], temp.path, configFile(), createPluginRegistry()));
    expect(missing.code).toBe('FAILED_PRECONDITION');
    expect(missing.message).toMatch(/plugin module "\.\/missing\.mjs" listed in .*mlp\.config\.json/);
    const notInstalled = await errorOf(loadPluginModules(['@acme/not-installed'], temp.path, configFile(), createPluginRegistry()));
    expect(notInstalled.message).toMatch(/install it/);
    const empty = await errorOf(loadPluginModules(['./nothing.mjs'], temp.path, configFile(), createPluginRegistry()));
    expect(empty.code).toBe('INVALID_ARGUMENT');
    expect(empty.message).toMatch(/exports no register function/);
  });
});
