import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlpError } from '../errors/mlp-error.js';
import type { PluginRegistry } from './plugin-registry.js';

/** What a plugin module named in `mlp.config.json` exports: `register`, or a default export, adding its plugins. */
export type RegisterPlugins = (plugins: PluginRegistry) => void | Promise<void>;

/** Where `specifier` points: a path relative to the workspace, or a package installed for the workspace. */
function moduleUrl(specifier: string, dir: string): string {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) return pathToFileURL(path.resolve(dir, specifier)).href;
  try {
    return pathToFileURL(createRequire(path.join(dir, 'package.json')).resolve(specifier)).href;
  } catch {
    return specifier; // an ESM-only package without a require condition: Node resolves it from here
  }
}

/**
 * Loads the plugin modules `mlp.config.json` names into `plugins`, in order, so that every opener of
 * the workspace (the CLI, `mlp server`, scripts) sees the same plugins in `workspace.plugins`.
 */
export async function loadPluginModules(
  specifiers: readonly string[],
  dir: string,
  configFile: string,
  plugins: PluginRegistry,
): Promise<void> {
  for (const specifier of specifiers) {
    let loaded: { register?: unknown; default?: unknown };
    try {
      loaded = (await import(moduleUrl(specifier, dir))) as typeof loaded;
    } catch (error) {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Cannot load the plugin module ${JSON.stringify(specifier)} listed in ${configFile} (${(error as Error).message}): install it, fix the path (relative to the workspace folder), or remove it from "plugins".`,
        { cause: error },
      );
    }
    const register = loaded.register ?? loaded.default;
    if (typeof register !== 'function') {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `The plugin module ${JSON.stringify(specifier)} listed in ${configFile} exports no register function: export \`register(plugins)\` (or a default function) that registers its plugins.`,
      );
    }
    await (register as RegisterPlugins)(plugins);
  }
}
