import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@mlp/core';
import { fileError } from './file-hash.js';

/** The entry DVC writes for tracked data: `/name` in the `.gitignore` of the data's own folder. */
export function gitignoreEntry(dataPath: string): { file: string; entry: string } {
  return { file: path.join(path.dirname(dataPath), '.gitignore'), entry: `/${path.basename(dataPath)}` };
}

/** Adds the entry unless the file already has it; returns whether the file changed. */
export async function ignoreInGit(dataPath: string): Promise<boolean> {
  const { file, entry } = gitignoreEntry(dataPath);
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(error, file, 'read');
  }
  if (text.split(/\r?\n/).some((line) => line.trim() === entry)) return false;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  try {
    await writeFileAtomic(file, `${text}${separator}${entry}\n`);
  } catch (error) {
    throw fileError(error, file, 'write');
  }
  return true;
}
