import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlpError, sha256Hex } from '@mlp/core';
import { isPipeline, type PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';

export interface LoadedPipeline {
  pipeline: PipelineDefinition;
  ref: PipelineRef;
}

const loaded = new Map<string, Promise<LoadedPipeline>>();
/** Pipelines in this process's memory by name and source hash: tasks run in-process use them as they are. */
const remembered = new Map<string, PipelineDefinition>();

/**
 * Loads a pipeline module (its default export) by path: `.ts` through tsx, without a build step;
 * `.js`/`.mjs` natively. `baseDir` is the workspace folder: the ref records the path relative to it,
 * so another machine with the same layout finds the same file. With `expectedHash`, a module whose
 * source changed since the run started is refused (the run says which code ran).
 */
export async function loadPipeline(modulePath: string, baseDir: string, expectedHash?: string): Promise<LoadedPipeline> {
  const absolute = path.resolve(baseDir, modulePath);
  let source: string;
  try {
    source = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new MlpError(
      'NOT_FOUND',
      `no pipeline module at '${modulePath}'; give the path of a .ts or .mjs file whose default export is a pipeline.`,
      {
        cause: error,
      },
    );
  }
  const sourceHash = sha256Hex(source);
  if (expectedHash !== undefined && expectedHash !== sourceHash)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `the pipeline module '${modulePath}' changed since the run started (source hash ${sourceHash.slice(0, 12)}, the run's ${expectedHash.slice(0, 12)}); start a new run.`,
    );
  const key = `${absolute}\0${sourceHash}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = importPipeline(absolute, modulePath, sourceHash, baseDir);
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key));
  }
  return entry;
}

/** Keeps a pipeline this process started a run of, so its in-process tasks use it without loading its module. */
export function rememberPipeline(pipeline: PipelineDefinition, ref: PipelineRef): void {
  remembered.set(`${ref.name}\0${ref.sourceHash}`, pipeline);
}

/** The pipeline of `ref` if this process has it in memory. */
export function findRememberedPipeline(ref: PipelineRef): PipelineDefinition | undefined {
  return remembered.get(`${ref.name}\0${ref.sourceHash}`);
}

/** The ref of a module path: relative to `baseDir` when inside it. */
export function relativeModulePath(absolute: string, baseDir: string): string {
  const relative = path.relative(baseDir, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
}

async function importPipeline(absolute: string, modulePath: string, sourceHash: string, baseDir: string): Promise<LoadedPipeline> {
  let namespace: Record<string, unknown>;
  try {
    namespace = /\.[cm]?tsx?$/.test(absolute) ? await importTypeScript(absolute) : await import(pathToFileURL(absolute).href);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const nodeCode = (error as { code?: string }).code;
    // A .ts file outside an ESM package is CommonJS to tsx (as a .js file is to Node), and mlp's packages are ESM only.
    if (/\.tsx?$/.test(absolute) && (nodeCode === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || nodeCode === 'ERR_REQUIRE_ESM'))
      throw new MlpError(
        'FAILED_PRECONDITION',
        `the pipeline module '${modulePath}' loads as CommonJS, which cannot import mlp's ES modules (${message}); add "type": "module" to the package.json beside it, or name it .mts.`,
        { cause: error },
      );
    const code = MlpError.isInstance(error) ? error.code : 'INVALID_ARGUMENT';
    throw new MlpError(code, `the pipeline module '${modulePath}' threw while loading: ${message}`, { cause: error });
  }
  // A module tsx compiled to CommonJS (`exports.default = ...`) arrives with its default export one level down.
  const value = namespace.default;
  const pipeline = isPipeline(value) ? value : (value as { default?: unknown } | undefined)?.default;
  if (!isPipeline(pipeline))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `the module '${modulePath}' has no pipeline as its default export; end it with \`export default definePipeline(...).step(...)\`.`,
    );
  pipeline.validate();
  const ref = { name: pipeline.name, modulePath: relativeModulePath(absolute, baseDir), sourceHash };
  rememberPipeline(pipeline, ref);
  return { pipeline, ref };
}

async function importTypeScript(absolute: string): Promise<Record<string, unknown>> {
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
}
