// A lean HTTP/1.1 load generator for the serving bench, as wrk or Triton's perf_analyzer are: one
// keep-alive socket per client, each request written as one prebuilt buffer (request line, headers,
// body), the answer read by its status line and content-length, nothing else parsed. node's own
// http client spends more CPU per request than the server under test, on the same two cores; this
// one keeps the load generator's share small so the figures are mostly the server's.
import net from 'node:net';

/** The bytes of a POST of `body` (a string) to `url` with `headers`. */
export function prebuiltRequest(url, body, headers = { 'content-type': 'application/json' }) {
  const { host, pathname, search } = new URL(url);
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [`POST ${pathname}${search} HTTP/1.1`, `host: ${host}`, `content-length: ${payload.length}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

const headerEnd = Buffer.from('\r\n\r\n');

/** One keep-alive connection: `send(bytes)` resolves with the answer's status once its body is in. */
export async function openConnection(url) {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = Buffer.alloc(0);
  let waiting;
  let failure;
  const fail = (error) => {
    failure = error;
    waiting?.reject(error);
    waiting = undefined;
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed')));
  socket.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf(headerEnd);
    if (end === -1 || !waiting) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const total = end + 4 + length;
    if (buffered.length < total) return;
    const status = Number(head.slice(9, 12));
    buffered = buffered.subarray(total);
    const { resolve } = waiting;
    waiting = undefined;
    resolve(status);
  });
  return {
    send(bytes) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(bytes);
      });
    },
    close() {
      socket.removeAllListeners('close');
      socket.destroy();
    },
  };
}
