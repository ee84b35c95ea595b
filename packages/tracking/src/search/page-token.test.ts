import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, nextPageToken } from './page-token.js';

function errorOf(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError, but nothing was thrown');
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('page tokens', () => {
  it("writes MLflow's token: base64 of json.dumps({'offset': n})", () => {
    // Python: base64.b64encode(json.dumps({"offset": 100}).encode("utf-8"))
    expect(encodePageToken(100)).toBe('eyJvZmZzZXQiOiAxMDB9');
    expect(Buffer.from(encodePageToken(1000), 'base64').toString('utf8')).toBe('{"offset": 1000}');
  });

  it.each([0, 1, 2, 999, 50_000, 123_456_789, Number.MAX_SAFE_INTEGER])('round-trips the offset %i', (offset) => {
    expect(decodePageToken(encodePageToken(offset))).toBe(offset);
  });

  it('reads no token as the first page', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken(null)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it('reads compact JSON and a digit-string offset, as MLflow does', () => {
    expect(decodePageToken(b64('{"offset":7}'))).toBe(7);
    expect(decodePageToken(b64('{"offset": "12"}'))).toBe(12);
  });

  it.each([
    ['not base64', 'not base64'],
    ['{} (from MLflow tests)', b64('{}')],
    ['a letter offset (from MLflow tests)', b64('{"offset": "a"}')],
    ['a misspelt key (from MLflow tests)', b64('{"offsoot": 7}')],
    ['not JSON (from MLflow tests)', b64('not json')],
    ['a negative offset', b64('{"offset": -5}')],
    ['a fractional offset', b64('{"offset": 1.5}')],
    ['an unsafe offset', b64('{"offset": 1e300}')],
    ['a boolean offset', b64('{"offset": true}')],
    ['a null offset', b64('{"offset": null}')],
    ['an extra key', b64('{"offset": 5, "admin": true}')],
    ['an array', b64('[5]')],
    ['null', b64('null')],
    ['a bare number', b64('5')],
    ['missing padding', encodePageToken(0).replace(/=+$/, '')],
    ['a cut token', encodePageToken(100).slice(0, -4)],
    ['altered padding bits', 'eyJvZmZzZXQiOiAwfR=='],
    ['URL-safe alphabet', b64('{"offset": 62}').replace(/\+/g, '-').replace(/\//g, '_') + '-'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')],
    ['a huge token', 'A'.repeat(400)],
  ])('rejects %s', (_name, token) => {
    const error = errorOf(() => decodePageToken(token));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^Invalid page token: /);
  });

  it('rejects a token that is not a string', () => {
    expect(errorOf(() => decodePageToken(5 as unknown as string)).code).toBe('INVALID_ARGUMENT');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses to encode the offset %s', (offset) => {
    expect(errorOf(() => encodePageToken(offset)).code).toBe('INVALID_ARGUMENT');
  });

  it('gives a next token only after a full page, as MLflow does', () => {
    expect(nextPageToken(0, 10, 10)).toBe(encodePageToken(10));
    expect(nextPageToken(20, 10, 10)).toBe(encodePageToken(30));
    expect(nextPageToken(20, 10, 9)).toBeUndefined();
    expect(nextPageToken(0, 10, 0)).toBeUndefined();
  });
});
