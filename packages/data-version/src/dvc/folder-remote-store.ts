import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, md5Hex } from '@mlp/core';
import pLimit from 'p-limit';
import { copyHashing } from './file-hash.js';
import { OBJECTS_PREFIX, objectIdOfKey, objectKey } from './object-cache.js';
import { CHECK_CONCURRENCY, LIST_THRESHOLD, type RemoteStore, SMALL_OBJECT } from './remote-object.js';
import { removeStaleTemps, tempFileName } from './temp-files.js';

/** A remote in a local or mounted folder; objects are written to a temp file and renamed into place. */
export function createFolderRemote(folder: string, description: string): RemoteStore {
  const fileOf = (id: string) => path.join(folder, ...objectKey(id).split('/'));
  const tempDir = path.join(folder, '.mlp-tmp');
  const madeDirs = new Set<string>();
  const ensureDir = async (dir: string) => {
    if (madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  };
  const fail = (error: unknown, action: string) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      return new MlpError('PERMISSION_DENIED', `Cannot ${action} ${description}: permission denied. Fix the folder's permissions.`, {
        cause: error,
      });
    if (code === 'ENOSPC') return new MlpError('UNAVAILABLE', `Cannot ${action} ${description}: the disk is full.`, { cause: error });
    return new MlpError('UNAVAILABLE', `Cannot ${action} ${description}: ${(error as Error).message}`, { cause: error });
  };

  return {
    description,
    async probe(forWrite) {
      try {
        if (forWrite) await mkdir(folder, { recursive: true });
        if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR')
          throw new MlpError(
            'NOT_FOUND',
            `The folder of ${description} does not exist. Check the URL with \`mlp data remote ls\`, or push to create it.`,
            {
              cause: error,
            },
          );
        throw fail(error, 'reach');
      }
    },
    async present(ids) {
      const found = new Set<string>();
      if (ids.length > LIST_THRESHOLD) {
        const root = path.join(folder, ...OBJECTS_PREFIX.split('/'));
        const prefixes = await readdir(root).catch(() => [] as string[]);
        await Promise.all(
          prefixes.map(async (prefix) => {
            for (const name of await readdir(path.join(root, prefix)).catch(() => [] as string[])) {
              const id = objectIdOfKey(`${OBJECTS_PREFIX}/${prefix}/${name}`);
              if (id) found.add(id);
            }
          }),
        );
        return new Set(ids.filter((id) => found.has(id)));
      }
      const limit = pLimit(CHECK_CONCURRENCY);
      await Promise.all(
        ids.map((id) =>
          limit(async () => {
            if (
              await stat(fileOf(id)).then(
                (stats) => stats.isFile(),
                () => false,
              )
            )
              found.add(id);
          }),
        ),
      );
      return found;
    },
    async upload(file, id, bytes, onBytes) {
      const target = fileOf(id);
      const temp = path.join(tempDir, tempFileName());
      try {
        await ensureDir(tempDir);
        await ensureDir(path.dirname(target));
        if (bytes) {
          writeFileSync(temp, bytes);
          renameSync(temp, target);
          onBytes?.(bytes.byteLength);
          return;
        }
        // copyFile says nothing until it is done: with a listener, copy in chunks that report.
        if (onBytes) await copyHashing(file, temp, { onBytes });
        else await copyFile(file, temp);
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw fail(error, `upload ${id} to`);
      }
    },
    async download(id, toFile, onBytes) {
      const source = fileOf(id);
      try {
        const size = statSync(source).size;
        if (size <= SMALL_OBJECT) {
          const bytes = readFileSync(source);
          writeFileSync(toFile, bytes);
          onBytes?.(bytes.byteLength);
          return { md5: md5Hex(bytes), size: bytes.byteLength };
        }
        return await copyHashing(source, toFile, onBytes ? { onBytes } : {});
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new MlpError('NOT_FOUND', `Object ${id} is not in ${description}. Push it from a project that has it.`, {
            cause: error,
            details: { object: id },
          });
        throw fail(error, `download ${id} from`);
      }
    },
    // A push killed mid-upload leaves its temp file; the next push removes it once its writer is gone.
    removeStaleTemps: async () => (await removeStaleTemps(tempDir)).length,
    async close() {},
  };
}
