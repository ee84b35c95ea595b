import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './webhook-delivery.js';
import { signBody, verifySignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  it('are HMAC-SHA256 of the body, hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', 'secret-secret-123').update('{"a":1}').digest('hex');
    expect(signBody('secret-secret-123', '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('verify accepts the right signature only', () => {
    const header = signBody('secret-secret-123', 'body');
    expect(verifySignature('secret-secret-123', 'body', header)).toBe(true);
    expect(verifySignature('secret-secret-124', 'body', header)).toBe(false);
    expect(verifySignature('secret-secret-123', 'body!', header)).toBe(false);
    expect(verifySignature('secret-secret-123', 'body', undefined)).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, within ±20% jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 100, 10_000, mid))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(30, 100, 10_000, mid)).toBe(10_000);
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(80);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(120);
  });
});
