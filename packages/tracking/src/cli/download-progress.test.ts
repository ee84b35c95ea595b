import { describe, expect, it } from 'vitest';
import { createDownloadProgress, progressIntervalMs, progressThresholdBytes } from './download-progress.js';

const total = progressThresholdBytes * 2;

function harness() {
  const lines: string[] = [];
  let time = 0;
  const report = createDownloadProgress(
    (line) => lines.push(line),
    () => time,
  );
  return { lines, report, advance: (ms: number) => (time += ms) };
}

describe('createDownloadProgress', () => {
  it('says nothing for small files', () => {
    const { lines, report } = harness();
    report({ path: 'a', bytes: 10, total: 10, fileIndex: 1, fileCount: 1 });
    expect(lines).toEqual([]);
  });

  it('shows bytes, total and percent, at most once per interval, and always the end', () => {
    const { lines, report, advance } = harness();
    report({ path: 'model.onnx', bytes: total / 4, total, fileIndex: 1, fileCount: 1 });
    advance(progressIntervalMs - 1);
    report({ path: 'model.onnx', bytes: total / 2, total, fileIndex: 1, fileCount: 1 });
    report({ path: 'model.onnx', bytes: total, total, fileIndex: 1, fileCount: 1 });
    expect(lines).toEqual(['Downloading model.onnx: 4.2 MB of 17 MB (25%)', 'Downloading model.onnx: 17 MB of 17 MB (100%)']);
  });

  it('names the position of the file in a folder download', () => {
    const { lines, report } = harness();
    report({ path: 'big.bin', bytes: 0, total, fileIndex: 2, fileCount: 3 });
    expect(lines[0]).toMatch(/\(0%\) \[file 2 of 3\]$/);
  });
});
