import type { ProgressCounter, ProgressDisplay } from '@mlp/cli';
import type { ProgressListener, TransferProgress } from '../dvc/progress.js';

/** Sizes print as every mlp command prints them (`1.5 GiB`). */
export { formatBytes } from '@mlp/cli';

const verbs: Record<TransferProgress['phase'], string> = {
  hash: 'Hashing',
  checkout: 'Checking out',
  upload: 'Uploading',
  download: 'Downloading',
  check: 'Checking',
};

/** `Hashing 3/10 files`: the phase and its count, the label of the live bytes line. */
function phaseLabel(progress: TransferProgress): string {
  const many = (progress.total || progress.done) !== 1;
  const noun = progress.phase === 'upload' || progress.phase === 'download' ? 'object' : 'file';
  const count = progress.total > 0 ? `${progress.done}/${progress.total}` : `${progress.done}`;
  return `${verbs[progress.phase]} ${count} ${noun}${many ? 's' : ''}`;
}

/**
 * Shows a data operation on the CLI's live block: one line per phase with bytes, percentage, rate
 * and ETA (`Hashing 0/1 file  1.2 GiB/1.5 GiB  80%  150.0 MiB/s  ETA 2s`), so a single large file
 * shows how far it is. The CLI clears the line when the command prints its result.
 */
export function showTransferProgress(display: ProgressDisplay): ProgressListener {
  let phase: TransferProgress['phase'] | undefined;
  let counter: ProgressCounter | undefined;
  return (progress) => {
    if (progress.phase !== phase || !counter) {
      counter?.done();
      phase = progress.phase;
      counter = display.counter(phaseLabel(progress), { unit: 'bytes', ...(progress.totalBytes ? { total: progress.totalBytes } : {}) });
    }
    counter.setLabel(phaseLabel(progress));
    counter.update(progress.bytes, progress.totalBytes || undefined);
  };
}
