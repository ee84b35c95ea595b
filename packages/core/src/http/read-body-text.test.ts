import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { readBodyText } from './read-json-body.js';

// readBodyText over real HTTP: what a non-JSON route (CSV records) reads, with the JSON body's limits.

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    readBodyText(req, 16).then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`read:${text}`),
      (error: unknown) => {
        const details = MlpError.isInstance(error) ? (error.details ?? {}) : {};
        const status = typeof details.httpStatus === 'number' ? details.httpStatus : 400;
        res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end((error as Error).message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const post = (body: string | Uint8Array) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });

describe('readBodyText', () => {
  it('reads a UTF-8 body of any type up to the limit', async () => {
    const answer = await post('a,b\n1,é\n');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('read:a,b\n1,é\n');
  });

  it('answers 413 past the limit, declared or streamed', async () => {
    const declared = await post('x'.repeat(17));
    expect(declared.status).toBe(413);
    expect(await declared.text()).toMatch(/limit of 16 bytes/);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('12345678'));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const answer = await post(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]));
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/not valid UTF-8/);
  });
});
