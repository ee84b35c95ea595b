import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureHeader, verifySignature } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../open-registry.js';
import { type Backend, openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function startReceiver(port: number, received: Received[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each<Backend>(['embedded', 'postgres'])('webhooks on the %s store', (backend) => {
  let fx: RegistryFixture;
  let receiver: Server | undefined;
  const secret = 'a-very-secret-key-1234';
  const received: Received[] = [];

  beforeAll(async () => {
    // The receivers run on this machine: the tests allow loopback targets explicitly (refused by default, see below).
    fx = await openRegistryFixture(backend, { webhookAllowedNetworks: ['127.0.0.0/8', '::1'], env: {} });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await fx?.cleanup();
  });

  it('a receiver that is down gets every signed event later, and a restarted worker catches up', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const perModel = await fx.registry.createWebhook({ url, secret, modelName: 'hooked' });
    const promotionsOnly = await fx.registry.createWebhook({ url: `${url}?only=promotions`, secret, events: ['promotion.decided'] });
    const fast = { baseDelayMs: 50, maxDelayMs: 200, pollIntervalMs: 50 };
    let worker = fx.registry.startWebhookDelivery(fast);
    try {
      const runId = await fx.trainedRun({ metrics: { auc: 0.9 } });
      await fx.registry.registerVersion({ name: 'hooked', source: runId });
      await fx.registry.registerVersion({ name: 'unrelated', source: runId });
      await fx.registry.promote('hooked', 1, { alias: 'champion', reason: 'ship it' });

      // The receiver is down: deliveries are retried with backoff and logged, not dropped.
      // Every delivery of both webhooks (four per model, one promotions-only) has been tried twice.
      await until('retries against the dead receiver', async () => {
        const deliveries = await fx.registry.listDeliveries();
        return deliveries.length === 5 && deliveries.every((delivery) => delivery.attempts >= 2 && delivery.status === 'pending')
          ? deliveries
          : undefined;
      });
      const failing = await fx.registry.listDeliveries();
      expect(failing.every((delivery) => delivery.lastError?.startsWith('the request failed'))).toBe(true);

      receiver = await startReceiver(port, received);
      const expectedPerModel = ['registered_model.created', 'model_version.created', 'promotion.decided', 'model_version.alias_set'];
      await until('all deliveries', async () => {
        const deliveries = await fx.registry.listDeliveries();
        return deliveries.length === expectedPerModel.length + 1 && deliveries.every((delivery) => delivery.status === 'delivered')
          ? true
          : undefined;
      });

      const perModelTypes = (await fx.registry.listDeliveries(perModel.webhookId)).map((delivery) => delivery.eventType);
      expect(perModelTypes).toEqual(expectedPerModel);
      expect((await fx.registry.listDeliveries(promotionsOnly.webhookId)).map((delivery) => delivery.eventType)).toEqual([
        'promotion.decided',
      ]);
      for (const message of received) {
        expect(verifySignature(secret, message.body, message.headers[signatureHeader] as string)).toBe(true);
        const body = JSON.parse(message.body) as { event_type: string; payload: { name: string } };
        expect(message.headers['x-mlp-event']).toBe(body.event_type);
        expect(body.payload.name).toBe('hooked'); // nothing of 'unrelated' reached either webhook
      }

      // Events while no worker runs are delivered by the next one: the consumer's cursor is durable.
      await worker.close();
      await fx.registry.deleteAlias('hooked', 'champion');
      expect(received.some((message) => message.body.includes('model_version.alias_deleted'))).toBe(false);
      worker = fx.registry.startWebhookDelivery(fast);
      await until('the delivery made after the restart', async () =>
        received.find((message) => message.body.includes('"event_type":"model_version.alias_deleted"')),
      );
    } finally {
      await worker.close(); // also when an expectation failed, so no worker outlives its test
    }
  });

  it('a non-2xx answer is retried; after maxAttempts the delivery is failed and redeliver sends it again', async () => {
    let answer = 500;
    const bodies: string[] = [];
    const flaky = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const hook = await fx.registry.createWebhook({
        url: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`,
        secret,
        modelName: 'flaky-model',
        events: ['registered_model.created'],
      });
      const worker = fx.registry.startWebhookDelivery({ baseDelayMs: 20, maxDelayMs: 50, pollIntervalMs: 30, maxAttempts: 2 });
      try {
        await fx.registry.createModel({ name: 'flaky-model' });
        const [failed] = await until('the delivery to give up', async () => {
          const deliveries = await fx.registry.listDeliveries(hook.webhookId);
          return deliveries[0]?.status === 'failed' ? deliveries : undefined;
        });
        expect(failed).toMatchObject({
          attempts: 2,
          lastStatusCode: 500,
          lastError: 'the receiver answered HTTP 500',
          deliveredTime: null,
        });
        expect(bodies).toHaveLength(2);
        expect(new Set(bodies).size).toBe(1); // every attempt carries the same body, so the same signature

        answer = 204;
        await fx.registry.redeliver(failed?.deliveryId ?? 0);
        const [delivered] = await until('the redelivery', async () => {
          const deliveries = await fx.registry.listDeliveries(hook.webhookId);
          return deliveries[0]?.status === 'delivered' ? deliveries : undefined;
        });
        expect(delivered).toMatchObject({ attempts: 3, lastStatusCode: 204, lastError: null });
      } finally {
        await worker.close();
      }
    } finally {
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });

  it('a 3xx answer is a failed delivery: the redirect is not followed and its target gets nothing', async () => {
    const elsewhere: string[] = [];
    const target = createServer((req, res) => {
      elsewhere.push(`${req.method} ${String(req.headers[signatureHeader])}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const redirecting = createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/stolen` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const hook = await fx.registry.createWebhook({
        url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`,
        secret,
        modelName: 'redirected-model',
      });
      const worker = fx.registry.startWebhookDelivery({ pollIntervalMs: 30, maxAttempts: 1 });
      try {
        await fx.registry.createModel({ name: 'redirected-model' });
        const [failed] = await until('the redirected delivery to fail', async () => {
          const deliveries = await fx.registry.listDeliveries(hook.webhookId);
          return deliveries[0]?.status === 'failed' ? deliveries : undefined;
        });
        expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 302, deliveredTime: null });
        expect(failed?.lastError).toMatch(/redirect, which is not followed/);
        expect(elsewhere).toEqual([]);
      } finally {
        await worker.close();
      }
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });

  it('by default refuses loopback, private and link-local targets, when created and again when delivered', async () => {
    const strict = await openRegistry(fx.workspace, { tracking: fx.tracking, actor: 'tester', env: {} });
    const received: string[] = [];
    const local = createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const port = (local.address() as AddressInfo).port;
    try {
      for (const url of [
        `http://127.0.0.1:${port}/`,
        `http://localhost:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.7/hook',
        'http://[fe80::1]/',
      ]) {
        await expect(strict.createWebhook({ url }), url).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      }
      await expect(strict.createWebhook({ url: 'https://user:secret@hooks.example.com/' })).rejects.toThrow(/user name or password/);

      // A webhook whose host was allowed when it was created (as a name that later resolves to a
      // private address would be) is checked again at delivery: the strict worker sends nothing.
      const hook = await fx.registry.createWebhook({ url: `http://localhost:${port}/rebound`, secret, modelName: 'rebound-model' });
      const worker = strict.startWebhookDelivery({ pollIntervalMs: 30, maxAttempts: 1 });
      try {
        await fx.registry.createModel({ name: 'rebound-model' });
        const [refused] = await until('the delivery to be refused', async () => {
          const deliveries = await strict.listDeliveries(hook.webhookId);
          return deliveries[0]?.status === 'failed' ? deliveries : undefined;
        });
        expect(refused).toMatchObject({ attempts: 1, lastStatusCode: null });
        expect(refused?.lastError).toMatch(/^refused: .*loopback, private, link-local/);
        expect(received).toEqual([]);
      } finally {
        await worker.close();
        await fx.registry.deleteWebhook(hook.webhookId);
      }
    } finally {
      await strict.close();
      await new Promise<void>((resolve) => local.close(() => resolve()));
    }
  });

  it('refuses bad URLs, unknown event types and short secrets', async () => {
    await expect(fx.registry.createWebhook({ url: 'ftp://x' })).rejects.toThrow(/http/);
    await expect(fx.registry.createWebhook({ url: 'http://x', events: ['model.exploded'] })).rejects.toThrow(/Unknown event types/);
    await expect(fx.registry.createWebhook({ url: 'http://x', secret: 'short' })).rejects.toThrow(/16 characters/);
    const generated = await fx.registry.createWebhook({ url: 'http://127.0.0.1:9/never' });
    expect(generated.secret).toMatch(/^[0-9a-f]{64}$/);
    await fx.registry.deleteWebhook(generated.webhookId);
    await expect(fx.registry.deleteWebhook(generated.webhookId)).rejects.toThrow(/No webhook/);
  });
});
