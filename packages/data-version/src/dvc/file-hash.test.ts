import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hashFile, md5Hex } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyHashing } from './file-hash.js';

let temp: TempDir;
beforeAll(async () => {
  temp = await createTempDir('mlp-file-hash-');
});
afterAll(async () => {
  await temp.remove();
});

describe('streaming md5', () => {
  // Sizes around the whole-read limit and the 8 MiB double-buffer chunk, and an empty file.
  it.each([0, 3, 1024 * 1024, 1024 * 1024 + 1, 8 * 1024 * 1024, 17 * 1024 * 1024 + 5])(
    'hashes and copies %i bytes exactly',
    async (size) => {
      const bytes = Buffer.alloc(size);
      for (let index = 0; index < size; index++) bytes[index] = (index * 2654435761) >>> 24;
      const file = path.join(temp.path, `in-${size}`);
      await writeFile(file, bytes);
      const progress: number[] = [];
      expect(await hashFile('md5', file, { size, onBytes: (count) => progress.push(count) })).toBe(md5Hex(bytes));
      expect(progress.reduce((sum, count) => sum + count, 0)).toBe(size);
      const copy = path.join(temp.path, `out-${size}`);
      expect(await copyHashing(file, copy)).toEqual({ md5: md5Hex(bytes), size });
      expect(Buffer.compare(await readFile(copy), bytes)).toBe(0);
    },
  );

  it('names the file it cannot read, and never overwrites an existing target', async () => {
    await expect(hashFile('md5', path.join(temp.path, 'missing'), { size: 10 * 1024 * 1024 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('missing'),
    });
    const source = path.join(temp.path, 'in-3');
    await expect(copyHashing(source, source)).rejects.toMatchObject({ message: expect.stringContaining(`Cannot write ${source}`) });
  });
});
