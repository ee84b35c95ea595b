import { backoffDelay, isRetryableStatus, MlpError, retryAfterMs } from '@mlp/core';
import { mlflowResponseError } from './mlflow-error-codes.js';

export interface MlflowHttpOptions {
  /** The tracking server's base URL, as MLFLOW_TRACKING_URI: `http://127.0.0.1:5000`. */
  url: string;
  /** Sent as `Authorization: Bearer` (MLFLOW_TRACKING_TOKEN). */
  token?: string;
  /** Basic auth (MLFLOW_TRACKING_USERNAME / _PASSWORD), for servers behind it. */
  username?: string;
  password?: string;
  /** Retries after 429, 5xx or a network failure; never after another 4xx. Default 3. */
  retries?: number;
  /** Backoff of the first retry (doubling, with jitter, up to `maxRetryDelayMs`). Default 250 ms. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** The fetch to use; global fetch (undici, keep-alive) by default. */
  fetch?: typeof fetch;
}

export type QueryValue = string | number | readonly string[] | undefined;

export interface MlflowHttpClient {
  get(endpoint: string, query: Record<string, QueryValue>): Promise<Record<string, unknown>>;
  post(endpoint: string, body: unknown): Promise<Record<string, unknown>>;
  /** MLflow's registry updates (`registered-models/update`, …). */
  patch(endpoint: string, body: unknown): Promise<Record<string, unknown>>;
  /** MLflow's registry deletions, which carry a JSON body as its own client sends them. */
  delete(endpoint: string, body: unknown): Promise<Record<string, unknown>>;
}

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new MlpError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${value}.`);
  return value;
}

function authorization(options: MlflowHttpOptions): string | undefined {
  if (options.token !== undefined && (options.username !== undefined || options.password !== undefined)) {
    throw new MlpError('INVALID_ARGUMENT', 'Give either a token or a username and password, not both.');
  }
  if (options.token !== undefined) return `Bearer ${options.token}`;
  if (options.username === undefined && options.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;
}

function queryString(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    // Lists as repeated keys, as MLflow's Python client sends them.
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** JSON over HTTP to an MLflow server's `/api/2.0/` routes, with auth, timeouts, retries and MLflow errors as MlpErrors. */
export function createMlflowHttpClient(options: MlflowHttpOptions): MlflowHttpClient {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The MLflow URL ${JSON.stringify(options.url)} is not a URL; use one such as http://127.0.0.1:5000.`,
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new MlpError('INVALID_ARGUMENT', `The MLflow URL must be http or https, got ${options.url}.`);
  const root = base.href.replace(/\/+$/, '');
  const retries = nonNegativeInteger(options.retries, 3, 'retries');
  const backoff = {
    baseDelayMs: nonNegativeInteger(options.retryDelayMs, 250, 'retryDelayMs'),
    maxDelayMs: nonNegativeInteger(options.maxRetryDelayMs, 10_000, 'maxRetryDelayMs'),
  };
  const timeoutMs = nonNegativeInteger(options.timeoutMs, 30_000, 'timeoutMs');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = authorization(options);
  if (auth) headers.authorization = auth;

  async function send(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    endpoint: string,
    target: string,
    body: string | undefined,
  ): Promise<Record<string, unknown>> {
    const init = {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    };
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetchImpl(target, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoffDelay(attempt, backoff));
          continue;
        }
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
        throw new MlpError('UNAVAILABLE', `Cannot reach the MLflow server at ${root} (${endpoint}, ${attempt + 1} attempts): ${reason}.`, {
          cause: error,
        });
      }
      // Reading the body to the end also returns the connection to the keep-alive pool.
      const text = await response.text();
      if (response.ok) {
        if (text.trim() === '') return {};
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw new MlpError('INTERNAL', `The MLflow server answered ${endpoint} with something other than JSON: ${text.slice(0, 200)}`);
        }
      }
      if (isRetryableStatus(response.status) && attempt < retries) {
        await sleep(
          Math.max(backoffDelay(attempt, backoff), Math.min(retryAfterMs(response.headers.get('retry-after')) ?? 0, backoff.maxDelayMs)),
        );
        continue;
      }
      throw mlflowResponseError(response.status, text, endpoint);
    }
  }

  return {
    get: (endpoint, query) => send('GET', endpoint, `${root}/api/2.0/${endpoint}${queryString(query)}`, undefined),
    post: (endpoint, body) => send('POST', endpoint, `${root}/api/2.0/${endpoint}`, JSON.stringify(body)),
    patch: (endpoint, body) => send('PATCH', endpoint, `${root}/api/2.0/${endpoint}`, JSON.stringify(body)),
    delete: (endpoint, body) => send('DELETE', endpoint, `${root}/api/2.0/${endpoint}`, JSON.stringify(body)),
  };
}
