import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { errorResponse } from './error-response.js';
import { createHostCheck } from './host-check.js';

const statusOf = (check: ReturnType<typeof createHostCheck>, method: string, headers: Record<string, string>) => {
  try {
    check.check(method, headers);
    return 200;
  } catch (error) {
    return errorResponse(error, 'test').status;
  }
};

describe('createHostCheck', () => {
  it('on loopback takes loopback names and addresses only', () => {
    const check = createHostCheck('127.0.0.1', []);
    for (const host of ['127.0.0.1:5000', 'localhost', 'a.localhost:1', '[::1]:5000', '127.9.9.9'])
      expect(statusOf(check, 'POST', { host })).toBe(200);
    for (const host of ['attacker.example', '10.0.0.1', '[fe80::1]', 'localhost.attacker.example', '127.0.0.1.nip.io'])
      expect(statusOf(check, 'POST', { host })).toBe(403);
  });

  it('on a wildcard address takes any IP literal but no foreign name', () => {
    const check = createHostCheck('::', []);
    expect(statusOf(check, 'GET', { host: '192.168.1.7:5000' })).toBe(200);
    expect(statusOf(check, 'GET', { host: '[2001:db8::1]:5000' })).toBe(200);
    expect(statusOf(check, 'GET', { host: `${hostname()}:5000` })).toBe(200);
    expect(statusOf(createHostCheck('127.0.0.1', []), 'GET', { host: `${hostname()}.attacker.example` })).toBe(403);
    expect(statusOf(check, 'GET', { host: 'attacker.example' })).toBe(403);
  });

  it('on a named or specific address takes that name, and allowedHosts entries', () => {
    const check = createHostCheck('build-box', ['mlp.example', '.corp.example']);
    for (const host of ['build-box:5000', 'MLP.EXAMPLE', 'corp.example', 'a.b.corp.example'])
      expect(statusOf(check, 'GET', { host })).toBe(200);
    for (const host of ['127.0.0.1', 'xcorp.example', 'mlp.example.evil']) expect(statusOf(check, 'GET', { host })).toBe(403);
    expect(statusOf(createHostCheck('10.0.0.5', ['*']), 'GET', { host: 'anything.example' })).toBe(200);
  });

  it('refuses writes from a foreign or opaque Origin, never reads', () => {
    const check = createHostCheck('127.0.0.1', []);
    const host = 'localhost:5000';
    expect(statusOf(check, 'POST', { host, origin: 'http://localhost:5000' })).toBe(200);
    expect(statusOf(check, 'POST', { host, origin: 'https://attacker.example' })).toBe(403);
    expect(statusOf(check, 'PUT', { host, origin: 'null' })).toBe(403);
    expect(statusOf(check, 'DELETE', { host, origin: 'not a url' })).toBe(403);
    expect(statusOf(check, 'GET', { host, origin: 'https://attacker.example' })).toBe(200);
  });
});
