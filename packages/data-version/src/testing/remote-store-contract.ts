import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError, md5Hex } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteStore } from '../dvc/remote-object.js';

export interface RemoteStoreHarness {
  /** An empty remote, to be closed by the suite. */
  store: RemoteStore;
  cleanup?: () => Promise<void>;
}

export interface RemoteStoreContractOptions {
  /** Size of the large object; default 12 MiB, above the 1 MiB in-memory limit and S3's 8 MiB part size. */
  largeObjectBytes?: number;
  /** Per-test timeout for the tests that move large objects; default 60 s. */
  slowTestTimeoutMs?: number;
}

const MiB = 1024 * 1024;
/** Above the stores' listing threshold (256), so `present` lists the remote instead of asking per id. */
const MANY = 300;

const md5 = (bytes: Uint8Array) => md5Hex(bytes);
/** Deterministic bytes differing by seed and position, so a mixed or shifted copy never matches. */
const pattern = (size: number, seed: number) =>
  Buffer.from(Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 7 + (i >> 10)) & 0xff));
/** Ids of objects that are not there: the md5 of text nobody uploads. */
const absentIds = (count: number, tag: string) => Array.from({ length: count }, (_, i) => md5(Buffer.from(`absent ${tag} ${i}`)));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (MlpError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

/**
 * The behaviour every data remote (`RemoteStore`: a folder, S3, a third-party backend) must have, as
 * vitest tests: objects in DVC 3's layout appear whole or not at all, under concurrent writers too.
 */
export function runRemoteStoreContract(
  name: string,
  factory: () => Promise<RemoteStoreHarness>,
  options: RemoteStoreContractOptions = {},
): void {
  const large = options.largeObjectBytes ?? 12 * MiB;
  const slow = options.slowTestTimeoutMs ?? 60_000;

  describe(`remote store contract: ${name}`, () => {
    let harness: RemoteStoreHarness | undefined;
    let store: RemoteStore;
    let work: string;
    /** Writes `bytes` to a local file (what push uploads from) and returns its path. */
    const localFile = async (bytes: Uint8Array, label: string) => {
      const file = path.join(work, `${label}-${Math.random().toString(36).slice(2)}`);
      await writeFile(file, bytes);
      return file;
    };
    const fetched = async (id: string, onBytes?: (bytes: number) => void) => {
      const file = path.join(work, `download-${Math.random().toString(36).slice(2)}`);
      const result = await store.download(id, file, onBytes);
      return { ...result, bytes: await readFile(file) };
    };

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'mlp-remote-contract-'));
      harness = await factory();
      store = harness.store;
    }, slow);

    afterAll(async () => {
      await harness?.store.close();
      await harness?.cleanup?.();
      await rm(work, { recursive: true, force: true });
    }, slow);

    it('describes itself and answers a probe for writing', async () => {
      expect(store.description.length).toBeGreaterThan(0);
      await store.probe(true);
      await store.probe(false);
    });

    it('round-trips an object uploaded from a file and one uploaded from bytes', async () => {
      const fromFile = pattern(3000, 1);
      const fromBytes = pattern(4000, 2);
      await store.upload(await localFile(fromFile, 'file'), md5(fromFile));
      await store.upload(await localFile(fromBytes, 'bytes'), md5(fromBytes), fromBytes);
      for (const bytes of [fromFile, fromBytes]) {
        const got = await fetched(md5(bytes));
        expect(got).toMatchObject({ md5: md5(bytes), size: bytes.byteLength });
        expect(got.bytes.equals(bytes)).toBe(true);
      }
    });

    it('round-trips an empty object', async () => {
      const empty = Buffer.alloc(0);
      await store.upload(await localFile(empty, 'empty'), md5(empty));
      expect(await fetched(md5(empty))).toMatchObject({ md5: md5(empty), size: 0 });
      expect(await store.present([md5(empty)])).toEqual(new Set([md5(empty)]));
    });

    it('answers which ids are present, asking per id for a few and listing for many', async () => {
      const bytes = pattern(100, 3);
      const id = md5(bytes);
      await store.upload(await localFile(bytes, 'present'), id, bytes);
      expect(await store.present([])).toEqual(new Set());
      expect(await store.present([id, ...absentIds(3, 'few')])).toEqual(new Set([id]));
      expect(await store.present([...absentIds(MANY, 'many'), id])).toEqual(new Set([id]));
    });

    it('is NOT_FOUND for an object it does not hold, and writes nothing for it', async () => {
      const [missing] = absentIds(1, 'download') as [string];
      expect(await codeOf(store.download(missing, path.join(work, 'never')))).toBe('NOT_FOUND');
      expect(await store.present([missing])).toEqual(new Set());
    });

    it('overwrites an object whole: the last upload is what is read', async () => {
      const first = pattern(5000, 4);
      const second = pattern(2000, 5);
      const id = md5(first);
      await store.upload(await localFile(first, 'first'), id);
      await store.upload(await localFile(first, 'again'), id); // the same bytes again: harmless
      expect((await fetched(id)).bytes.equals(first)).toBe(true);
      await store.upload(await localFile(second, 'second'), id);
      expect((await fetched(id)).bytes.equals(second)).toBe(true);
    });

    it(
      'moves a large object (streamed, multipart on S3), reporting its bytes both ways',
      async () => {
        const bytes = pattern(large, 6);
        const id = md5(bytes);
        let sent = 0;
        await store.upload(await localFile(bytes, 'large'), id, undefined, (n) => {
          sent += n;
        });
        expect(sent).toBe(large);
        let received = 0;
        const got = await fetched(id, (n) => {
          received += n;
        });
        expect(got).toMatchObject({ md5: id, size: large });
        expect(got.bytes.equals(bytes)).toBe(true);
        expect(received).toBe(large);
        expect(await store.present([id])).toEqual(new Set([id]));
      },
      slow,
    );

    it(
      'keeps an object whole under concurrent uploads of the same id',
      async () => {
        const versions = [0, 1, 2, 3].map((seed) => pattern(2 * MiB + seed * 4099, 10 + seed));
        const id = md5(versions[0] as Buffer);
        const files = await Promise.all(versions.map((bytes, i) => localFile(bytes, `concurrent-${i}`)));
        await Promise.all(files.map((file, i) => store.upload(file, id, undefined, i % 2 === 0 ? () => {} : undefined)));
        const got = await fetched(id);
        // Exactly one writer's bytes, never a mix.
        expect(versions.some((bytes) => bytes.equals(got.bytes))).toBe(true);
      },
      slow,
    );

    it(
      'shows nothing of an upload that fails midway: no partial object, no temp file among the objects',
      async () => {
        const bytes = pattern(3 * MiB, 20);
        const id = md5(bytes);
        const file = await localFile(bytes, 'interrupted');
        // The listener throws at the first bytes: the upload stops midway, as a dropped connection would stop it.
        const interrupted = new Error('interrupted by the contract test');
        const failed = await store
          .upload(file, id, undefined, () => {
            throw interrupted;
          })
          .then(
            () => false,
            () => true,
          );
        expect(failed).toBe(true);
        const others = absentIds(MANY, 'interrupted');
        expect(await store.present([id])).toEqual(new Set());
        expect(await store.present([...others, id])).toEqual(new Set());
        expect(await codeOf(store.download(id, path.join(work, 'partial')))).toBe('NOT_FOUND');
        // Nothing was left behind for the next push to clean.
        expect(await store.removeStaleTemps()).toBe(0);
        // And the next upload of the same object succeeds whole.
        await store.upload(file, id);
        expect((await fetched(id)).bytes.equals(bytes)).toBe(true);
        expect(await store.present([...others, id])).toEqual(new Set([id]));
      },
      slow,
    );
  });
}
