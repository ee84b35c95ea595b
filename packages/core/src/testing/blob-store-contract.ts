import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobInfo, BlobStore } from '../blobs/blob-store.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { MlpError } from '../errors/mlp-error.js';

export interface BlobStoreHarness {
  store: BlobStore;
  cleanup?: () => Promise<void>;
}

export interface BlobStoreContractOptions {
  /** Size of the large streamed object; default 12 MiB, above the S3 driver's 8 MiB part size. */
  largeObjectBytes?: number;
  /** Per-test timeout for the tests that move large objects; default 60 s. */
  slowTestTimeoutMs?: number;
}

const MiB = 1024 * 1024;

/** Byte `i` of a deterministic pattern that differs by seed and position, so a shifted or mixed copy never matches. */
function fillPattern(target: Buffer, offset: number, seed: number): Buffer {
  for (let j = 0; j < target.length; j++) {
    const i = offset + j;
    target[j] = (i * 31 + seed * 7 + Math.floor(i / 1024)) & 0xff;
  }
  return target;
}

function pattern(size: number, seed: number): Buffer {
  return fillPattern(Buffer.allocUnsafe(size), 0, seed);
}

/** The same bytes as `pattern(size, seed)`, generated in uneven chunks and never held whole in memory. */
async function* patternChunks(size: number, seed: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0, n = 0; offset < size; n++) {
    // Chunk sizes vary with the seed too, so concurrent writers are never in step.
    const length = Math.min(size - offset, 1000 + ((n * 7919 + seed * 104_729) % (256 * 1024)));
    yield fillPattern(Buffer.allocUnsafe(length), offset, seed);
    offset += length;
  }
}

/** Like patternChunks, but yielding to the event loop between chunks, so concurrent writers interleave. */
async function* interleavingChunks(size: number, seed: number): AsyncGenerator<Uint8Array> {
  for await (const chunk of patternChunks(size, seed)) {
    yield chunk;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function digestOf(source: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function expectMlpError(action: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode): Promise<MlpError> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    expect(MlpError.isInstance(error), `expected an MlpError ${code}, got ${String(error)}`).toBe(true);
    expect((error as MlpError).code, (error as MlpError).message).toBe(code);
    return error as MlpError;
  }
  return expect.fail(`expected an MlpError ${code}, but the call succeeded`);
}

async function expectAborted(action: Promise<unknown> | (() => Promise<unknown>)): Promise<void> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    expect(MlpError.isInstance(error), `expected an MlpError for the abort, got ${String(error)}`).toBe(true);
    expect((error as MlpError).details?.aborted, (error as MlpError).message).toBe(true);
    return;
  }
  expect.fail('expected the aborted call to reject');
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const keysOf = (infos: BlobInfo[]) => infos.map((info) => info.key);
const byteOrder = (keys: string[]) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/**
 * The behaviour every BlobStore must have. Run it from a test file with a factory that returns an
 * empty store: `runBlobStoreContract('fs', async () => ({ store: createFsBlobStore({ root }) }))`.
 *
 * `list(prefix)` takes a raw string prefix, as S3 does: `a/b` lists `a/b`, `a/bc` and `a/b/c`; use
 * `a/b/` for the keys under `a/b` only. Keys are listed in UTF-8 byte order.
 */
export function runBlobStoreContract(name: string, factory: () => Promise<BlobStoreHarness>, options: BlobStoreContractOptions = {}): void {
  const large = options.largeObjectBytes ?? 12 * MiB;
  const slow = options.slowTestTimeoutMs ?? 60_000;

  describe(`blob store contract: ${name}`, () => {
    let harness: BlobStoreHarness | undefined;
    let store: BlobStore;

    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    }, slow);

    afterAll(async () => {
      await harness?.store.close?.();
      await harness?.cleanup?.();
    }, slow);

    it('names its driver and location', () => {
      expect(typeof store.driver).toBe('string');
      expect(store.driver.length).toBeGreaterThan(0);
      expect(typeof store.location).toBe('string');
    });

    it('round-trips bytes, through getBytes and through a byte-mode stream', async () => {
      const bytes = Uint8Array.from({ length: 256 * 3 }, (_, i) => i & 0xff);
      const info = await store.put('roundtrip/bytes.bin', bytes);
      expect(info).toMatchObject({ key: 'roundtrip/bytes.bin', size: bytes.byteLength });
      expect(Buffer.from(await store.getBytes('roundtrip/bytes.bin')).equals(Buffer.from(bytes))).toBe(true);
      const stream = await store.get('roundtrip/bytes.bin');
      expect(stream).toBeInstanceOf(Readable);
      expect(stream.readableObjectMode).toBe(false);
      const chunks = await collect<Buffer>(stream);
      expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
    });

    it('stores strings as UTF-8', async () => {
      const value = 'héllo wörld ✓ 𝄞 日本';
      const info = await store.put('roundtrip/text.txt', value);
      expect(info.size).toBe(Buffer.byteLength(value));
      expect(text(await store.getBytes('roundtrip/text.txt'))).toBe(value);
    });

    it(
      'stores Readable streams and async iterables, and a stream larger than one part',
      async () => {
        await store.put('roundtrip/readable.bin', Readable.from(patternChunks(3 * MiB + 17, 1)));
        expect(await digestOf(await store.get('roundtrip/readable.bin'))).toEqual(await digestOf(patternChunks(3 * MiB + 17, 1)));

        const info = await store.put('roundtrip/large.bin', patternChunks(large, 2));
        expect(info.size).toBe(large);
        expect((await store.head('roundtrip/large.bin'))?.size).toBe(large);
        expect(await digestOf(await store.get('roundtrip/large.bin'))).toEqual(await digestOf(patternChunks(large, 2)));
      },
      slow,
    );

    it('stores empty objects from bytes, strings and streams', async () => {
      for (const [key, body] of [
        ['empty/bytes', new Uint8Array(0)],
        ['empty/string', ''],
        ['empty/stream', Readable.from([])],
      ] as const) {
        expect((await store.put(key, body)).size).toBe(0);
        expect((await store.head(key))?.size).toBe(0);
        expect((await store.getBytes(key)).byteLength).toBe(0);
        expect(await collect(await store.get(key))).toEqual([]);
      }
    });

    it('overwrites a key with the new value', async () => {
      await store.put('overwrite/key', 'the first, longer value');
      await store.put('overwrite/key', 'second');
      expect(text(await store.getBytes('overwrite/key'))).toBe('second');
      expect((await store.head('overwrite/key'))?.size).toBe(6);
    });

    it('heads an object with its size and modification time, and an absent key as undefined', async () => {
      const before = Date.now();
      await store.put('head/present', 'twelve bytes');
      const info = await store.head('head/present');
      expect(info).toMatchObject({ key: 'head/present', size: 12 });
      expect(info?.lastModified).toBeInstanceOf(Date);
      // Servers keep whole seconds and clocks differ a little: a minute either way.
      expect(Math.abs((info?.lastModified.getTime() ?? 0) - before)).toBeLessThan(60_000);
      expect(await store.head('head/absent')).toBeUndefined();
      expect(await store.head('head')).toBeUndefined();
    });

    it('keeps the content type it was given, when the driver records content types', async () => {
      await store.put('head/typed.json', '{}', { contentType: 'application/json' });
      const type = (await store.head('head/typed.json'))?.contentType;
      if (type !== undefined) expect(type).toBe('application/json');
    });

    it('rejects get and getBytes of an absent key with NOT_FOUND', async () => {
      const error = await expectMlpError(store.get('absent/never-written'), 'NOT_FOUND');
      expect(error.message).toContain('absent/never-written');
      await expectMlpError(store.getBytes('absent/never-written'), 'NOT_FOUND');
      await store.put('absent/dir/child', 'x');
      await expectMlpError(store.get('absent/dir'), 'NOT_FOUND');
    });

    it('lists by raw string prefix, in UTF-8 byte order, with nested keys and without siblings', async () => {
      const inside = ['p/a-b', 'p/a.txt', 'p/a/b', 'p/a/c/d', 'p/a0', 'p/b', 'p/z', 'p/é', 'p/\uFFFD', 'p/😀'];
      const outside = ['p-x', 'pq/x', 'q/p/a'];
      for (const key of [...outside, ...inside].reverse()) await store.put(key, key);
      const listed = await collect(store.list('p/'));
      expect(keysOf(listed)).toEqual(byteOrder(inside));
      expect(keysOf(listed)).toEqual(['p/a-b', 'p/a.txt', 'p/a/b', 'p/a/c/d', 'p/a0', 'p/b', 'p/z', 'p/é', 'p/\uFFFD', 'p/😀']);
      for (const info of listed) {
        expect(info.size).toBe(Buffer.byteLength(info.key));
        expect(info.lastModified).toBeInstanceOf(Date);
      }
      expect(keysOf(await collect(store.list('p/a')))).toEqual(['p/a-b', 'p/a.txt', 'p/a/b', 'p/a/c/d', 'p/a0']);
      expect(keysOf(await collect(store.list('p/a/')))).toEqual(['p/a/b', 'p/a/c/d']);
      expect(keysOf(await collect(store.list('p/a/c/d')))).toEqual(['p/a/c/d']);
      expect(await collect(store.list('p/nothing/'))).toEqual([]);
      expect(keysOf(await collect(store.list('p')))).toEqual(byteOrder([...inside, 'p-x', 'pq/x']));
      const all = keysOf(await collect(store.list()));
      expect(all).toEqual(byteOrder(all));
      expect(all).toEqual(expect.arrayContaining([...inside, ...outside]));
      expect(keysOf(await collect(store.list('')))).toEqual(all);
    });

    it('deletes idempotently', async () => {
      await store.put('delete/me', 'bye');
      await store.delete('delete/me');
      expect(await store.head('delete/me')).toBeUndefined();
      await expectMlpError(store.getBytes('delete/me'), 'NOT_FOUND');
      expect(keysOf(await collect(store.list('delete/')))).toEqual([]);
      await store.delete('delete/me');
      await store.delete('delete/never/existed');
      await store.put('delete/me', 'again');
      expect(text(await store.getBytes('delete/me'))).toBe('again');
    });

    const invalidKeys: unknown[] = [
      '',
      '/abs',
      '/',
      '../up',
      'a/../b',
      '..',
      '.',
      'a/./b',
      'a//b',
      'trailing/',
      'back\\slash',
      'C:/drive',
      'c:drive',
      'nul\0byte',
      'x'.repeat(1025),
      undefined,
      null,
      42,
    ];
    it('rejects every invalid key with INVALID_ARGUMENT in put, get, getBytes, head and delete', async () => {
      for (const key of invalidKeys) {
        const bad = key as string;
        const error = await expectMlpError(() => store.put(bad, 'x'), 'INVALID_ARGUMENT');
        if (typeof key === 'string' && key.length > 0 && key.length < 100) expect(error.message).toContain(JSON.stringify(key));
        await expectMlpError(() => store.get(bad), 'INVALID_ARGUMENT');
        await expectMlpError(() => store.getBytes(bad), 'INVALID_ARGUMENT');
        await expectMlpError(() => store.head(bad), 'INVALID_ARGUMENT');
        await expectMlpError(() => store.delete(bad), 'INVALID_ARGUMENT');
      }
      for (const prefix of ['/abs', '../', 'a/../', 'a//', 'back\\', 'nul\0', './']) {
        await expectMlpError(() => collect(store.list(prefix)), 'INVALID_ARGUMENT');
      }
      expect(keysOf(await collect(store.list('up')))).toEqual([]);
    });

    it('accepts keys with spaces, unicode and punctuation, taken literally', async () => {
      const keys = [
        'odd/with space/file name.txt',
        'odd/ünïcødé/日本語/🙂.bin',
        "odd/punct !$&'()+,;=@[]~-_.x",
        'odd/percent%20literal',
        'odd/.hidden',
        'odd/...',
        'odd/a..b',
      ];
      for (const key of keys) {
        await store.put(key, `value of ${key}`);
        expect(text(await store.getBytes(key))).toBe(`value of ${key}`);
        expect((await store.head(key))?.key).toBe(key);
      }
      expect(keysOf(await collect(store.list('odd/')))).toEqual(byteOrder(keys));
      expect(await store.head('odd/percent literal')).toBeUndefined();
      for (const key of keys) await store.delete(key);
      expect(await collect(store.list('odd/'))).toEqual([]);
    });

    it(
      'leaves one complete value when puts of the same key race',
      async () => {
        const sizes = [1.5 * MiB, 1.5 * MiB + 1000, 1.5 * MiB + 2000, 1.5 * MiB + 3000, 1.5 * MiB + 4000, 1.5 * MiB + 5000];
        const expected = new Map(sizes.map((size, seed) => [pattern(size, seed + 10).toString('hex', 0, 64), { size, seed: seed + 10 }]));
        await Promise.all(sizes.map((size, i) => store.put('race/key', interleavingChunks(size, i + 10))));
        const stored = Buffer.from(await store.getBytes('race/key'));
        const match = expected.get(stored.toString('hex', 0, 64));
        expect(match, 'the stored value starts like none of the values put').toBeDefined();
        expect(stored.length).toBe(match?.size);
        expect(stored.equals(pattern(match?.size ?? 0, match?.seed ?? 0))).toBe(true);
        expect((await store.head('race/key'))?.size).toBe(match?.size);
      },
      slow,
    );

    it(
      'never shows a reader a half-written object',
      async () => {
        const values = [pattern(2 * MiB, 20), pattern(2 * MiB + 333, 21)];
        await store.put('readers/key', values[0] as Buffer);
        const writes = Promise.all(
          [1, 0, 1, 0].map((i) => store.put('readers/key', Readable.from(interleavingChunks(values[i]?.length ?? 0, 20 + i)))),
        );
        const reads = Promise.all(Array.from({ length: 6 }, () => store.getBytes('readers/key')));
        const [, results] = await Promise.all([writes, reads]);
        for (const result of results) expect(values.some((value) => value.equals(Buffer.from(result)))).toBe(true);
      },
      slow,
    );

    it(
      'stores nothing when the body stream fails midway, keeping the previous value',
      async () => {
        async function* failing(size: number): AsyncGenerator<Uint8Array> {
          yield* patternChunks(size, 30);
          throw new Error('source broke');
        }
        await store.put('failing/existing', 'previous value');
        const error = await expectMlpError(store.put('failing/existing', failing(MiB)), 'UNAVAILABLE');
        expect(error.message).toContain('source broke');
        expect(text(await store.getBytes('failing/existing'))).toBe('previous value');

        // Past one S3 part, so a multipart upload is started and must be abandoned.
        await expect(store.put('failing/new', failing(9 * MiB))).rejects.toSatisfy(MlpError.isInstance);
        expect(await store.head('failing/new')).toBeUndefined();
        expect(keysOf(await collect(store.list('failing/')))).toEqual(['failing/existing']);
        expect((await store.head('failing/existing'))?.size).toBe(14);
      },
      slow,
    );

    it('rejects a body that is not bytes, a string or a stream of bytes', async () => {
      await expectMlpError(() => store.put('bad-body/number', 42 as never), 'INVALID_ARGUMENT');
      await expectMlpError(() => store.put('bad-body/objects', Readable.from([{ not: 'bytes' }]) as never), 'INVALID_ARGUMENT');
      expect(await store.head('bad-body/objects')).toBeUndefined();
    });

    it(
      'reports progress up to the size put',
      async () => {
        const seen: number[] = [];
        const info = await store.put('progress/key', patternChunks(2 * MiB, 40), { onProgress: (bytes) => seen.push(bytes) });
        expect(seen.length).toBeGreaterThan(0);
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        expect(seen.at(-1)).toBe(info.size);
      },
      slow,
    );

    it(
      'aborts put and get through an AbortSignal',
      async () => {
        await store.put('abort/key', 'kept');
        await expectAborted(store.put('abort/key', 'replaced', { signal: AbortSignal.abort() }));
        await expectAborted(store.get('abort/key', { signal: AbortSignal.abort() }));

        // A source that stalls after its first chunk: only the signal can end this put.
        const controller = new AbortController();
        let started: () => void = () => {};
        const firstChunkRead = new Promise<void>((resolve) => (started = resolve));
        async function* stalling(): AsyncGenerator<Uint8Array> {
          yield pattern(64 * 1024, 50);
          started();
          await new Promise(() => {});
        }
        const put = store.put('abort/key', stalling(), { signal: controller.signal });
        await firstChunkRead;
        controller.abort(new Error('user gave up'));
        await expectAborted(put);
        expect(text(await store.getBytes('abort/key'))).toBe('kept');
        await expectAborted(store.put('abort/new', stalling(), { signal: AbortSignal.timeout(50) }));
        expect(await store.head('abort/new')).toBeUndefined();

        // A stalled Readable body is destroyed by the abort, so its socket or file is released.
        const stalled = new Readable({ read() {} });
        stalled.push(pattern(64 * 1024, 52));
        await expectAborted(store.put('abort/new', stalled, { signal: AbortSignal.timeout(50) }));
        expect(stalled.destroyed).toBe(true);
        expect(await store.head('abort/new')).toBeUndefined();

        await store.put('abort/big', patternChunks(4 * MiB, 51));
        const reading = new AbortController();
        const stream = await store.get('abort/big', { signal: reading.signal });
        const iterator = stream[Symbol.asyncIterator]();
        expect((await iterator.next()).done).toBe(false);
        reading.abort();
        await expectAborted(async () => {
          for (let result = await iterator.next(); !result.done; result = await iterator.next());
        });
        expect(stream.destroyed).toBe(true);
      },
      slow,
    );
  });
}
