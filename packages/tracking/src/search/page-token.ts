import { MlpError } from '@mlp/core';

// MLflow's token: base64 of the JSON {"offset": N}, written as Python's json.dumps does so tokens
// from either side read the same. It is not signed: a token only says where the next page starts.
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function invalidToken(reason: string): MlpError {
  return new MlpError(
    'INVALID_ARGUMENT',
    `Invalid page token: ${reason}. Pass the next_page_token of a previous search unchanged, or none for the first page.`,
  );
}

/** The token for the page that starts `offset` results in. */
export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new MlpError('INVALID_ARGUMENT', `A page offset must be a non-negative integer, got ${offset}`);
  }
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** The offset a page token stands for; a missing or empty token is the first page. */
export function decodePageToken(token: string | null | undefined): number {
  if (token === undefined || token === null || token === '') return 0;
  if (typeof token !== 'string' || token.length > 200 || !base64Pattern.test(token)) throw invalidToken('it is not base64');
  const json = Buffer.from(token, 'base64').toString('utf8');
  // Re-encoding catches bytes that are not UTF-8 and altered padding bits.
  if (Buffer.from(json, 'utf8').toString('base64') !== token) throw invalidToken('it is not base64 of UTF-8 text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidToken('it does not decode to JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidToken('it does not hold an object');
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 'offset') throw invalidToken('it must hold exactly an offset');
  const offset: unknown = (parsed as { offset: unknown }).offset;
  // MLflow reads the offset with int(), so a digit string is accepted too.
  const value = typeof offset === 'string' && /^[0-9]+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalidToken('its offset is not a non-negative integer');
  return value;
}

/**
 * The token for the page after one that started at `offset`, asked for `limit` rows and got
 * `returned`; undefined when that page was the last. A full page always gets a token, as in
 * MLflow's SQL store, so the page after an exactly full last page is empty.
 */
export function nextPageToken(offset: number, limit: number, returned: number): string | undefined {
  return returned >= limit ? encodePageToken(offset + limit) : undefined;
}
