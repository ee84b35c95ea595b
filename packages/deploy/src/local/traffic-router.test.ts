import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pickGroup, type RouteTable, stickyPoint } from './route-table.js';
import { startTrafficRouter, type TrafficRouter } from './traffic-router.js';

/** A real HTTP upstream that answers with its name after `delayMs`, counting what it served. */
async function upstream(name: string, delayMs = 0) {
  let served = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      setTimeout(() => {
        served++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name, body: Buffer.concat(chunks).toString() }));
      }, delayMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function router(options: { stickyHeader?: string } = {}): Promise<TrafficRouter> {
  const started = await startTrafficRouter({ deployment: 'demo', ...options });
  cleanups.push(() => started.close());
  return started;
}

describe('the traffic router', () => {
  it('splits by weight, keeping a request key on one revision, and counts per variant', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    cleanups.push(a.close, b.close);
    const proxy = await router({ stickyHeader: 'x-mlp-request-key' });
    const table: RouteTable = {
      groups: [
        { revision: 1, variant: 'champion', weight: 70, backends: [{ id: 'a', url: a.url }] },
        { revision: 2, variant: 'challenger', weight: 30, backends: [{ id: 'b', url: b.url }] },
      ],
    };
    proxy.setTable(table);
    const keys = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    for (const key of keys) {
      const expected = pickGroup(table, stickyPoint(key))?.revision;
      for (let again = 0; again < 2; again++) {
        const response = await fetch(`${proxy.url}/v2/models/x/infer`, {
          method: 'POST',
          body: key,
          headers: { 'x-mlp-request-key': key },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-mlp-deployment-revision')).toBe(String(expected));
        expect(((await response.json()) as { body: string }).body).toBe(key);
      }
    }
    const toB = keys.filter((key) => pickGroup(table, stickyPoint(key))?.revision === 2).length;
    expect(b.served()).toBe(toB * 2);
    expect(a.served()).toBe((keys.length - toB) * 2);
    expect(toB).toBeGreaterThan(0);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toContain(
      `mlp_deploy_router_requests_total{deployment="demo",revision="2",variant="challenger",status="200"} ${toB * 2}`,
    );
  });

  it('switches under load without failing a request, and drains the old servers before they stop', async () => {
    const blue = await upstream('blue', 5);
    const green = await upstream('green', 5);
    cleanups.push(green.close);
    const proxy = await router();
    proxy.setTable({ groups: [{ revision: 1, variant: '1', weight: 100, backends: [{ id: 'blue', url: blue.url }] }] });
    const statuses: number[] = [];
    let stop = false;
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const response = await fetch(`${proxy.url}/v2/models/x/infer`, { method: 'POST', body: 'x' });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    });
    while (blue.served() < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    proxy.setTable({ groups: [{ revision: 2, variant: '2', weight: 100, backends: [{ id: 'green', url: green.url }] }] });
    await proxy.drained(['blue']);
    proxy.release(blue.url);
    await blue.close();
    const servedByBlue = blue.served();
    while (green.served() < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    stop = true;
    await Promise.all(clients);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(statuses.length).toBe(servedByBlue + green.served());
  });

  it('retries a request refused by a server that went away on another of the revision', async () => {
    const live = await upstream('live');
    const gone = await upstream('gone');
    cleanups.push(live.close);
    await gone.close();
    const proxy = await router();
    proxy.setTable({
      groups: [
        {
          revision: 1,
          variant: '1',
          weight: 100,
          backends: [
            { id: 'gone', url: gone.url },
            { id: 'live', url: live.url },
          ],
        },
      ],
    });
    for (let i = 0; i < 10; i++) expect((await fetch(`${proxy.url}/x`, { method: 'POST', body: 'y' })).status).toBe(200);
    expect(live.served()).toBe(10);
  });

  it('answers 503 with an OIP error when no server is ready', async () => {
    const proxy = await router();
    const response = await fetch(`${proxy.url}/v2/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'the deployment has no ready model server yet; retry shortly' });
  });
});
