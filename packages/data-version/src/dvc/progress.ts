/** Progress of a long data operation, reported through `onProgress`. */
export interface TransferProgress {
  /** What is happening: hashing files, copying into or out of the cache, or moving objects to or from a remote. */
  phase: 'hash' | 'checkout' | 'upload' | 'download' | 'check';
  /** Files or objects finished so far in this phase. */
  done: number;
  /** Files or objects this phase handles in all (0 while unknown). */
  total: number;
  /** Bytes processed so far in this phase. */
  bytes: number;
  /** The path or object being worked on, when there is one. */
  item?: string;
}

export type ProgressListener = (progress: TransferProgress) => void;

/** Counts work done and reports it, at most every `intervalMs` and always at the end. */
export function createProgressCounter(phase: TransferProgress['phase'], total: number, listener?: ProgressListener, intervalMs = 100) {
  let done = 0;
  let bytes = 0;
  let last = 0;
  const emit = (force: boolean, item?: string) => {
    if (!listener) return;
    const now = Date.now();
    if (!force && now - last < intervalMs) return;
    last = now;
    listener({ phase, done, total, bytes, ...(item === undefined ? {} : { item }) });
  };
  return {
    addBytes(count: number) {
      bytes += count;
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
