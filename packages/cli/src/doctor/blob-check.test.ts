import { createMemoryBlobStore, type ResolvedConfig, resolveConfig } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { checkBlobStore } from './blob-check.js';

const config = (blobsUrl: string): ResolvedConfig => resolveConfig({ dir: '/nowhere', env: {}, blobs: { url: blobsUrl } }).config;

describe('checkBlobStore', () => {
  it('writes, reads back and deletes a probe, leaving nothing behind', async () => {
    const store = createMemoryBlobStore();
    const check = await checkBlobStore(config('memory://'), { open: async () => store });
    expect(check).toMatchObject({ name: 'blobs', ok: true, required: true, info: { driver: store.driver } });
    const left: string[] = [];
    for await (const info of store.list()) left.push(info.key);
    expect(left).toEqual([]);
  });

  it('reports a store that cannot be opened', async () => {
    const check = await checkBlobStore(config('ftp://host/x'));
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('No blob driver for ftp://') });
  });

  it('reports a store that does not answer within the timeout instead of waiting forever', async () => {
    const stuck = { ...createMemoryBlobStore(), put: () => new Promise<never>(() => {}) };
    const check = await checkBlobStore(config('memory://'), { open: async () => stuck, timeoutMs: 50 });
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('writing the probe did not finish within 0.05 s') });
  });

  it('reports a store that returns other bytes than were written', async () => {
    const store = createMemoryBlobStore();
    const lying = { ...store, getBytes: async () => new TextEncoder().encode('something else') };
    const check = await checkBlobStore(config('memory://'), { open: async () => lying });
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('differ') });
  });
});
