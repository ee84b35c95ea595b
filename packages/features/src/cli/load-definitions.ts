import { access } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlpError } from '@mlp/core';
import { isEntityDefinition } from '../definitions/entity.js';
import { isFeatureViewDefinition } from '../definitions/feature-view.js';
import { isOnDemandFeaturesDefinition } from '../definitions/on-demand-features.js';

const isDefinition = (value: unknown) => isEntityDefinition(value) || isFeatureViewDefinition(value) || isOnDemandFeaturesDefinition(value);

/**
 * The definitions a module exports (`.ts` through tsx without a build step, `.js`/`.mjs` natively):
 * every export that is an entity, a feature view or on-demand features, and those in an exported array
 * (`export default [carrier, carrierStats]`).
 */
export async function loadDefinitions(file: string, baseDir: string): Promise<unknown[]> {
  const absolute = path.resolve(baseDir, file);
  await access(absolute).catch((error) => {
    throw new MlpError(
      'NOT_FOUND',
      `No definitions module at ${file}: give the path of a .ts, .js or .mjs file exporting entities and feature views.`,
      {
        cause: error,
      },
    );
  });
  let namespace: Record<string, unknown>;
  try {
    if (/\.(c|m)?tsx?$/.test(absolute)) {
      const { tsImport } = await import('tsx/esm/api');
      namespace = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
    } else {
      namespace = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
    }
  } catch (error) {
    const code = MlpError.isInstance(error) ? error.code : 'INVALID_ARGUMENT';
    const message = (error as Error)?.message ?? String(error);
    // tsx compiles a .ts file outside an ES module package to CommonJS, which cannot load mlp's ES modules
    const hint = /No "exports" main|ERR_REQUIRE_ESM|require\(\) of ES Module/.test(message)
      ? ' (it loads as CommonJS: add "type": "module" to the package.json beside it, or name it .mts)'
      : '';
    throw new MlpError(code, `The definitions module ${file} threw while loading${hint}: ${message}`, { cause: error });
  }
  const found: unknown[] = [];
  const visit = (value: unknown, depth: number) => {
    if (isDefinition(value)) {
      if (!found.includes(value)) found.push(value);
    } else if (Array.isArray(value)) for (const item of value) visit(item, depth);
    // a module tsx compiled to CommonJS arrives with its exports one level down, under `default`
    else if (depth === 0 && value && typeof value === 'object') for (const item of Object.values(value)) visit(item, depth + 1);
  };
  for (const [name, value] of Object.entries(namespace)) visit(value, name === 'default' ? 0 : 1);
  if (found.length === 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The module ${file} exports no definitions: export the entities and views made with entity(), featureView() and onDemandFeatures().`,
    );
  }
  return found;
}
