import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlpError, sha256Hex } from '@mlp/core';
import { isPipeline, type Pipeline } from '../pipeline/define-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';

export interface LoadedPipeline {
  pipeline: Pipeline;
  ref: PipelineRef;
}

const loaded = new Map<string, Promise<LoadedPipeline>>();

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

/** Registers an already-imported pipeline as loaded from `modulePath`, so tasks of its runs skip the import. */
export function rememberPipeline(pipeline: Pipeline, ref: PipelineRef, baseDir: string): void {
  loaded.set(`${path.resolve(baseDir, ref.modulePath)}\0${ref.sourceHash}`, Promise.resolve({ pipeline, ref }));
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
    const code = MlpError.isInstance(error) ? error.code : 'INVALID_ARGUMENT';
    throw new MlpError(code, `the pipeline module '${modulePath}' threw while loading: ${message}`, { cause: error });
  }
  const pipeline = namespace.default;
  if (!isPipeline(pipeline))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `the module '${modulePath}' has no pipeline as its default export; end it with \`export default definePipeline(...).step(...)\`.`,
    );
  pipeline.validate();
  return { pipeline, ref: { name: pipeline.name, modulePath: relativeModulePath(absolute, baseDir), sourceHash } };
}

async function importTypeScript(absolute: string): Promise<Record<string, unknown>> {
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
}
