import { MlpError } from '../errors/mlp-error.js';
import { blobNotFound } from './blob-errors.js';

/** How messages name the fs store: its folder is in `details`, never in a message. */
export const fsStoreName = 'the fs blob store';

export type FsOperation = 'put' | 'get' | 'head' | 'list' | 'delete';

export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns a file-system error of the fs driver into an MlpError that says what to do. Messages name
 * the key, never a file: they reach HTTP clients, who must not learn the server's folders. The file,
 * root and system error stay in `details` and `cause` for logs.
 */
export function mapFsError(error: unknown, context: { operation: FsOperation; key: string; file: string; root: string }): MlpError {
  if (MlpError.isInstance(error)) return error;
  const { operation, key, root } = context;
  const code = errnoCode(error);
  // The path the system call failed on (the temp folder, say) says more than the key's file.
  const failedPath = (error as NodeJS.ErrnoException | undefined)?.path;
  const file = typeof failedPath === 'string' ? failedPath : context.file;
  const details = { key, file, root, errno: code };
  const what = operation === 'list' ? `list the keys under '${key}'` : `${operation} blob '${key}'`;
  switch (code) {
    case 'ENOENT':
      if (operation === 'put') {
        return new MlpError(
          'UNAVAILABLE',
          `Storing blob '${key}' failed because its file or folder vanished while writing; something else is changing the blob store's folder. Retry.`,
          { cause: error, details },
        );
      }
      return blobNotFound(key, fsStoreName, error);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new MlpError(
        'PERMISSION_DENIED',
        `Cannot ${what}: access to its file was denied (${code}). Make the blob store's folder readable and writable by this user (uid ${process.getuid?.() ?? 'n/a'}), or point the blob store elsewhere.`,
        { cause: error, details },
      );
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new MlpError(
        'CONFLICT',
        `Cannot ${what}: the fs store keeps keys as files and folders, so a key cannot also be the folder of other keys ('a' and 'a/b'). Delete the other key or choose another name.`,
        { cause: error, details },
      );
    case 'ENAMETOOLONG':
      return new MlpError(
        'INVALID_ARGUMENT',
        `Blob key '${key}' is too long for the file system of the blob store (ENAMETOOLONG). Use shorter path segments (at most 255 bytes each).`,
        { cause: error, details },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new MlpError('UNAVAILABLE', `Cannot ${what}: the disk holding the blob store is full (${code}). Free space and retry.`, {
        cause: error,
        details,
      });
    case 'EMFILE':
    case 'ENFILE':
    case 'EBUSY':
    case 'EAGAIN':
      return new MlpError('UNAVAILABLE', `Cannot ${what} right now (${code}). Retry, or open fewer files at once.`, {
        cause: error,
        details,
      });
    default:
      return new MlpError('INTERNAL', `Cannot ${what} (${code ?? 'unexpected error'}); the error's cause has the details.`, {
        cause: error,
        details,
      });
  }
}
