import { describe, expect, it } from 'vitest';
import { runBlobStoreContract } from '../testing/blob-store-contract.js';
import { createMemoryBlobStore } from './memory-blob-store.js';

runBlobStoreContract('memory', async () => ({ store: createMemoryBlobStore() }));

describe('memory blob store', () => {
  it('copies bytes in and out, so callers cannot change a stored object', async () => {
    const store = createMemoryBlobStore();
    const bytes = Buffer.from('original');
    await store.put('k', bytes);
    bytes.write('mutated!');
    const read = await store.getBytes('k');
    expect(Buffer.from(read).toString()).toBe('original');
    read[0] = 0;
    expect(Buffer.from(await store.getBytes('k')).toString()).toBe('original');
  });

  it('keeps stores apart and reports its driver and location', async () => {
    const a = createMemoryBlobStore();
    const b = createMemoryBlobStore();
    await a.put('k', 'a');
    expect(await b.head('k')).toBeUndefined();
    expect(a.driver).toBe('memory');
    expect(a.location).toBe('memory://');
  });

  it('lists a snapshot, unaffected by deletes during the iteration', async () => {
    const store = createMemoryBlobStore();
    for (const key of ['x/1', 'x/2', 'x/3']) await store.put(key, key);
    const seen: string[] = [];
    for await (const info of store.list('x/')) {
      seen.push(info.key);
      if (info.key === 'x/1') await store.delete('x/3');
    }
    expect(seen).toEqual(['x/1', 'x/2']);
  });
});
