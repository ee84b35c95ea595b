import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
