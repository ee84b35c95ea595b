import type { TransferProgress } from '../dvc/progress.js';

const verbs: Record<TransferProgress['phase'], string> = {
  hash: 'Hashing',
  checkout: 'Checking out',
  upload: 'Uploading',
  download: 'Downloading',
  check: 'Checking',
};

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One progress line: `Hashing 1200/10000 files (3.4 MiB)`. */
export function formatProgress(progress: TransferProgress): string {
  const noun = progress.phase === 'upload' || progress.phase === 'download' ? 'objects' : 'files';
  const count = progress.total > 0 ? `${progress.done}/${progress.total}` : `${progress.done}`;
  return `${verbs[progress.phase]} ${count} ${noun} (${formatBytes(progress.bytes)})`;
}
