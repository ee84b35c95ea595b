/** Progress of a long data operation, reported through `onProgress`. */
export interface TransferProgress {
  /** What is happening: hashing files, copying into or out of the cache, or moving objects to or from a remote. */
  phase: 'hash' | 'checkout' | 'upload' | 'download' | 'check';
  /** Files or objects finished so far in this phase. */
  done: number;
  /** Files or objects this phase handles in all (0 while unknown). */
  total: number;
  /** Bytes processed so far in this phase, reported as they go (a large file reports while it is read). */
  bytes: number;
  /** Bytes this phase handles in all, when known (hashing knows the files' sizes). */
  totalBytes?: number;
  /** The path or object being worked on, when there is one. */
  item?: string;
}

export type ProgressListener = (progress: TransferProgress) => void;

/**
 * Counts work done and reports it, at most every `intervalMs` and always at the end. Bytes are
 * reported as they are added, so one large file is not silent until it is done.
 */
export function createProgressCounter(
  phase: TransferProgress['phase'],
  total: number,
  listener?: ProgressListener,
  options: { intervalMs?: number; totalBytes?: number } = {},
) {
  const intervalMs = options.intervalMs ?? 100;
  let done = 0;
  let bytes = 0;
  let last = 0;
  const emit = (force: boolean, item?: string) => {
    if (!listener) return;
    const now = Date.now();
    if (!force && now - last < intervalMs) return;
    last = now;
    listener({
      phase,
      done,
      total,
      bytes,
      ...(options.totalBytes === undefined ? {} : { totalBytes: options.totalBytes }),
      ...(item === undefined ? {} : { item }),
    });
  };
  return {
    addBytes(count: number, item?: string) {
      bytes += count;
      emit(false, item);
    },
    finishOne(item?: string) {
      done++;
      emit(done === total, item);
    },
    end() {
      emit(true);
    },
  };
}
