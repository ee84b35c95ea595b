import type { IncomingMessage } from 'node:http';
import type { MlpError } from '../errors/mlp-error.js';
import { httpProblem, invalidParameter } from './http-problem.js';
import { assertJsonDepth } from './json-depth.js';

function tooLarge(limit: number): MlpError {
  return httpProblem(
    'INVALID_ARGUMENT',
    `The request body is larger than the server's limit of ${limit} bytes. Send less per request (log-batch takes at most 1000 metrics).`,
    // The rest of the body is never read: closing the connection is cheaper than draining it.
    { errorCode: 'REQUEST_LIMIT_EXCEEDED', httpStatus: 413, httpHeaders: { connection: 'close' } },
  );
}

/**
 * The body's bytes, up to `limit`. Past it, reading stops without destroying the request, so the
 * 413 still reaches the client; its `connection: close` then ends the socket.
 */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      req.pause();
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

// Fatal: bytes that are not UTF-8 would otherwise be stored as U+FFFD without a word.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidParameter('The request body is not valid UTF-8: send text encoded as UTF-8.');
  }
}

/**
 * The request body's bytes, of at most `limit` (413 past it, before reading when the declared length
 * is already larger). For routes whose body is binary (OIP's binary tensor data).
 */
export async function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  return readLimited(req, limit);
}

/**
 * The request body as UTF-8 text, of at most `limit` bytes (413 past it, before reading when the
 * declared length is already larger). For routes whose body is not JSON (CSV records).
 */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  return decodeUtf8(await readLimited(req, limit));
}

/**
 * Reads a JSON request body of at most `limit` bytes. MLflow accepts only `application/json` on
 * POST, which also keeps cross-site HTML forms (which cannot send that type) from writing. An empty
 * body is `{}`, as in MLflow. Bodies must be UTF-8 and nest at most `maxJsonDepth` levels.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    // MLflow's client sends a DELETE such as `logged-models/{model_id}/tags/{tag_key}` with no body and
    // no type; MLflow checks the type on POST and PUT only, and forms cannot send DELETE or PATCH.
    const bodiless = (req.headers['content-length'] ?? '0') === '0' && req.headers['transfer-encoding'] === undefined;
    if (type === '' && bodiless && req.method !== 'POST' && req.method !== 'PUT') return {};
    throw invalidParameter(`Bad Request. Content-Type must be application/json, got ${type ? `'${type}'` : 'none'}.`);
  }
  const text = await readBodyText(req, limit);
  if (text.trim() === '') return {};
  assertJsonDepth(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidParameter(`Malformed JSON in the request body: ${(error as Error).message}`);
  }
}
