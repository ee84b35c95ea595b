import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Streams bytes into `file` (created exclusively, fsynced on close), reporting the count as it goes; returns the total. */
export async function downloadToFile(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  file: string,
  options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.byteLength;
      options.onBytes?.(bytes);
      callback(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags: 'wx', flush: true });
  await pipeline(source, counter, out, options.signal ? { signal: options.signal } : {});
  return bytes;
}
