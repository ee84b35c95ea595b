import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';

const datasetRef = /^[^@/\\\s]+@[^@/\\\s]+$/;

/**
 * The local file a `--reference`/`--current` value names: a file (relative to the current folder), or
 * a dataset version such as `flights@3` through the installed dataset catalog.
 */
export async function resolveDriftSource(context: CliContext, value: string, flag: string): Promise<string> {
  const file = path.resolve(value);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) return file;
  if (!datasetRef.test(value)) {
    throw new MlpError(
      'NOT_FOUND',
      `${flag} ${value}: no such file. Give a data file (CSV, TSV, Parquet, JSON lines, JSON) or a dataset version such as flights@3.`,
    );
  }
  await context.openWorkspace({ applicationName: 'mlp monitor drift' });
  const catalog = await context.service('datasetCatalog');
  if (!catalog) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `${flag} ${value} names a dataset version, which needs @mlp/data-version: npm install @mlp/data-version, or give a file.`,
    );
  }
  return (await catalog.resolve(value)).path;
}
