import type { ServerResponse } from 'node:http';

/** A JSON body written piece by piece, for answers too large to build in memory (long metric histories). */
export class JsonStream {
  constructor(readonly chunks: AsyncIterable<string>) {}
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Streams `body`, waiting for the socket to drain so a slow client holds back the producer. */
export async function sendJsonStream(res: ServerResponse, body: JsonStream): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  for await (const chunk of body.chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
  }
  res.end();
}
