import type { DownloadProgress } from './download-artifacts.js';
import { formatBytes } from './human-format.js';

/** Files at least this big get a progress line while they download; smaller ones finish before it would help. */
export const progressThresholdBytes = 8 * 1024 * 1024;
/** At most this often, so a fast download does not flood the terminal. */
export const progressIntervalMs = 200;

/** Turns download progress into progress lines (`context.progress`) for large files, throttled, always showing 100%. */
export function createDownloadProgress(show: (message: string) => void, now: () => number): (progress: DownloadProgress) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (progress) => {
    if (progress.total < progressThresholdBytes) return;
    const time = now();
    if (time - last < progressIntervalMs && progress.bytes < progress.total) return;
    last = time;
    const percent = Math.floor((progress.bytes / progress.total) * 100);
    const position = progress.fileCount > 1 ? ` [file ${progress.fileIndex} of ${progress.fileCount}]` : '';
    show(`Downloading ${progress.path}: ${formatBytes(progress.bytes)} of ${formatBytes(progress.total)} (${percent}%)${position}`);
  };
}
