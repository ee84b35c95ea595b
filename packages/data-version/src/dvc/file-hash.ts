import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { MlpError } from '@mlp/core';
import { osPath, shownFileName } from './os-path.js';

const CHUNK = 8 * 1024 * 1024;

/** An MlpError that names the file and says what to do, for a failed file system call. */
export function fileError(error: unknown, path: string, action: string): MlpError {
  if (MlpError.isInstance(error)) return error;
  const file = shownFileName(path);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new MlpError('NOT_FOUND', `Cannot ${action} ${file}: it does not exist. Check the path.`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM')
    return new MlpError('PERMISSION_DENIED', `Cannot ${action} ${file}: permission denied (${code}). Fix its permissions.`, {
      cause: error,
    });
  if (code === 'ELOOP')
    return new MlpError('INVALID_ARGUMENT', `Cannot ${action} ${file}: it is a symbolic link loop. Remove or fix the link.`, {
      cause: error,
    });
  if (code === 'ENOSPC')
    return new MlpError('UNAVAILABLE', `Cannot ${action} ${file}: the disk is full. Free space and retry.`, { cause: error });
  return new MlpError('INTERNAL', `Cannot ${action} ${file}: ${(error as Error).message}`, { cause: error });
}

/**
 * Copies `source` to a new file `target` and returns the md5 of the bytes copied, reading each chunk
 * once. The write of one chunk and the read of the next run on the thread pool while the first is
 * hashed; memory stays at two 8 MiB buffers.
 */
export async function copyHashing(
  source: string,
  target: string,
  options: { mode?: number; onBytes?: (bytes: number) => void } = {},
): Promise<{ md5: string; size: number }> {
  const input = await open(osPath(source), 'r').catch((error: unknown) => {
    throw fileError(error, source, 'read');
  });
  try {
    const output = await open(osPath(target), 'wx', options.mode ?? 0o666).catch((error: unknown) => {
      throw fileError(error, target, 'write');
    });
    try {
      const hash = createHash('md5');
      const buffers: Buffer[] = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
      let position = 0;
      let current = 0;
      let pending = input.read(buffers[0] as Buffer, 0, CHUNK, 0);
      for (;;) {
        const { bytesRead } = await pending.catch((error: unknown) => {
          throw fileError(error, source, 'read');
        });
        if (bytesRead === 0) break;
        const filled = (buffers[current] as Buffer).subarray(0, bytesRead);
        position += bytesRead;
        current ^= 1;
        // The other buffer's write finished in the previous round, so it may be read into now.
        pending = input.read(buffers[current] as Buffer, 0, CHUNK, position);
        const written = writeAll(output, filled);
        hash.update(filled);
        await written.catch((error: unknown) => {
          throw fileError(error, target, 'write');
        });
        options.onBytes?.(bytesRead);
      }
      return { md5: hash.digest('hex'), size: position };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

async function writeAll(handle: import('node:fs/promises').FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) offset += (await handle.write(bytes, offset)).bytesWritten;
}
