import { describe, expect, it } from 'vitest';
import { createBearerAuth, requireScope } from './bearer-auth.js';
import { errorResponse } from './error-response.js';

const statusOf = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return errorResponse(error, 'test').status;
  }
  return 200;
};

describe('createBearerAuth', () => {
  const auth = createBearerAuth([
    { token: 'reader-0123456789abcdef', scopes: ['read'] },
    { token: 'writer-0123456789abcdef', scopes: ['read', 'write'] },
  ]);

  it('lets everyone read and write when no tokens are configured', () => {
    const open = createBearerAuth(undefined);
    expect(open.enabled).toBe(false);
    expect([...open.authenticate({}).scopes]).toEqual(['read', 'write']);
  });

  it('needs a known bearer token, with any spacing and scheme case', () => {
    expect(statusOf(() => auth.authenticate({}))).toBe(401);
    expect(statusOf(() => auth.authenticate({ authorization: 'Bearer nope-0123456789abcdef' }))).toBe(401);
    expect(statusOf(() => auth.authenticate({ authorization: 'Token reader-0123456789abcdef' }))).toBe(401);
    expect([...auth.authenticate({ authorization: 'bearer   reader-0123456789abcdef' }).scopes]).toEqual(['read']);
  });

  it('checks scopes: 403 for a read token on a write route', () => {
    const reader = auth.authenticate({ authorization: 'Bearer reader-0123456789abcdef' });
    const writer = auth.authenticate({ authorization: 'Bearer writer-0123456789abcdef' });
    expect(statusOf(() => requireScope(reader, 'read', 'GET x'))).toBe(200);
    expect(statusOf(() => requireScope(reader, 'write', 'POST x'))).toBe(403);
    expect(statusOf(() => requireScope(writer, 'write', 'POST x'))).toBe(200);
    expect(reader.tokenId).toMatch(/^[0-9a-f]{8}$/);
    expect(reader.tokenId).not.toBe(writer.tokenId);
  });
});
