import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverSignedWebhook } from './deliver-webhook.js';
import { verifySignature } from './webhook-signature.js';
import { createWebhookTargetPolicy } from './webhook-target.js';

describe('deliverSignedWebhook', () => {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let status = 204;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status, status === 302 ? { location: 'http://example.com/' } : {}).end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const webhook = (policy = createWebhookTargetPolicy(['127.0.0.0/8'])) => ({
    url,
    secret: 'secret-secret-123',
    body: '{"event_type":"test"}',
    eventType: 'test',
    deliveryId: '7',
    policy,
    timeoutMs: 30_000,
    userAgent: 'mlp-test',
  });

  it('posts the body signed, with the event and delivery ids', async () => {
    status = 204;
    expect(await deliverSignedWebhook(webhook())).toEqual({ status: 204, error: null });
    const last = received.at(-1);
    expect(last?.body).toBe('{"event_type":"test"}');
    expect(last?.headers['x-mlp-event']).toBe('test');
    expect(last?.headers['x-mlp-delivery']).toBe('7');
    expect(last?.headers['user-agent']).toBe('mlp-test');
    expect(verifySignature('secret-secret-123', last?.body ?? '', last?.headers['x-mlp-signature-256'] as string)).toBe(true);
  });

  it('reports a non-2xx answer and a redirect as failed attempts', async () => {
    status = 500;
    expect(await deliverSignedWebhook(webhook())).toEqual({ status: 500, error: 'the receiver answered HTTP 500' });
    status = 302;
    expect((await deliverSignedWebhook(webhook())).error).toMatch(/redirect, which is not followed/);
  });

  it('refuses a target the policy does not allow, without sending, naming where to allow it', async () => {
    const before = received.length;
    const attempt = await deliverSignedWebhook(webhook(createWebhookTargetPolicy([], 'the deploy settings (MLP_DEPLOY_X)')));
    expect(attempt.status).toBeNull();
    expect(attempt.error).toMatch(/^refused: .*loopback.*allow it in the deploy settings \(MLP_DEPLOY_X\)\./);
    expect(received.length).toBe(before);
  });
});
