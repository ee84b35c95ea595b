import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatZodIssues, MlpError } from '@mlp/core';
import { parse as parseYaml } from 'yaml';
import { type TrainSpec, type TrainSpecInput, trainSpecSchema } from './train-spec.js';

/** `flights@3`, `flights@latest`, `flights@train-2026-11`: a dataset version rather than a file. */
const DATASET_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}@[A-Za-z0-9._-]+$/;

export function isDatasetRef(data: string): boolean {
  return DATASET_REF.test(data) && !data.includes('/');
}

/** Checks a spec object and fills in its defaults; a problem names its path in the spec (`model.hiddenUnits.0`). */
export function parseSpec(input: TrainSpecInput | unknown, where = 'The training spec'): TrainSpec {
  const parsed = trainSpecSchema.safeParse(input);
  if (!parsed.success)
    throw new MlpError('INVALID_ARGUMENT', `${where} is invalid: ${formatZodIssues(parsed.error)}. Fix these fields and run again.`);
  return parsed.data;
}

/**
 * Reads a spec from a YAML or JSON file. A relative data path is taken relative to the spec file, so
 * a spec and its data can move together.
 */
export async function loadSpec(file: string): Promise<TrainSpec> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `Cannot read the training spec ${file}: ${(error as Error).message}.`, { cause: error });
  });
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const spec = parseSpec(raw, file);
  if (!isDatasetRef(spec.data) && !path.isAbsolute(spec.data) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(spec.data))
    return { ...spec, data: path.resolve(path.dirname(path.resolve(file)), spec.data) };
  return spec;
}
