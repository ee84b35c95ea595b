import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { create as createTar, extract as extractTar } from 'tar';
import { packageFiles } from './package-manifest.js';

/** The single-file form of a model package: a gzipped tar of the package folder's files. */
export const ARCHIVE_EXTENSION = '.mlpkg.tgz';

/** Packs a model package folder into one `.mlpkg.tgz` file, written atomically. */
export async function packModel(dir: string, file: string): Promise<void> {
  const entries = await readdir(dir).catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `Cannot read the model package ${dir}: ${(error as Error).message}`, { cause: error });
  });
  if (!entries.includes(packageFiles.manifest))
    throw new MlpError('INVALID_ARGUMENT', `${dir} is not a model package (no ${packageFiles.manifest}); give the folder mlp train wrote.`);
  const partial = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    // Fixed mtimes and sorted entries: the same package packs to the same bytes.
    await createTar({ gzip: true, file: partial, cwd: dir, portable: true, mtime: new Date(0) }, entries.sort());
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Unpacks an archive into a new temporary folder and returns it; the caller removes it. Entries
 * that would land outside the folder are refused by tar itself.
 */
export async function unpackModel(file: string): Promise<string> {
  const info = await stat(file).catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `No model package at ${file}: ${(error as Error).message}`, { cause: error });
  });
  if (!info.isFile()) throw new MlpError('INVALID_ARGUMENT', `${file} is not a file; a model archive ends in ${ARCHIVE_EXTENSION}.`);
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-model-'));
  try {
    await mkdir(dir, { recursive: true });
    await extractTar({ file, cwd: dir, strict: true });
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new MlpError('INVALID_ARGUMENT', `${file} is not a readable model archive: ${(error as Error).message}`, { cause: error });
  }
}
