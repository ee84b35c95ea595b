import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBlobStore } from '../blobs/memory-blob-store.js';
import { MlpError } from '../errors/mlp-error.js';
import { createHashingStream, hashFile, hashHex, hashStream, md5File, md5Hex, sha256File, sha256Hex } from './hash.js';

const MD5_FOO = 'acbd18db4cc2f85cedef654fccc4a4d8';
const MD5_EMPTY = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
// The FIPS 180-2 vector: a million 'a's.
const SHA256_MILLION_A = 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0';
const MD5_MILLION_A = '7707d6ae4e027c70eea2a935c2296f21';

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('hash helpers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-hash-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('hashes bytes and strings with known vectors', () => {
    expect(md5Hex('foo')).toBe(MD5_FOO);
    expect(md5Hex(Buffer.from('foo'))).toBe(MD5_FOO);
    expect(md5Hex('')).toBe(MD5_EMPTY);
    expect(sha256Hex('')).toBe(SHA256_EMPTY);
    expect(sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(SHA256_ABC);
    expect(hashHex('sha256', 'abc')).toBe(SHA256_ABC);
    expect(md5Hex('é')).toBe(
      createHash('md5')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });

  it('hashes streams, async iterables, strings and bytes chunk by chunk', async () => {
    const million = 'a'.repeat(1_000_000);
    expect(await hashStream('sha256', chunked(million, 4099))).toBe(SHA256_MILLION_A);
    expect(await hashStream('md5', Readable.from(chunked(million, 65536)))).toBe(MD5_MILLION_A);
    expect(await hashStream('md5', 'foo')).toBe(MD5_FOO);
    expect(await hashStream('sha256', new Uint8Array(0))).toBe(SHA256_EMPTY);
    expect(await hashStream('sha256', Readable.from([]))).toBe(SHA256_EMPTY);
  });

  it('hashes files, and names the file when it cannot', async () => {
    const file = path.join(dir, 'million-a');
    await writeFile(file, 'a'.repeat(1_000_000));
    expect(await md5File(file)).toBe(MD5_MILLION_A);
    expect(await sha256File(file)).toBe(SHA256_MILLION_A);
    const empty = path.join(dir, 'empty');
    await writeFile(empty, '');
    expect(await sha256File(empty)).toBe(SHA256_EMPTY);

    const missing = await md5File(path.join(dir, 'missing')).catch((error: unknown) => error);
    expect(MlpError.isInstance(missing) && missing.code).toBe('NOT_FOUND');
    expect((missing as MlpError).message).toContain(path.join(dir, 'missing'));
    const folder = await sha256File(dir).catch((error: unknown) => error);
    expect(MlpError.isInstance(folder) && folder.code).toBe('INVALID_ARGUMENT');
  });

  it('reports PERMISSION_DENIED for an unreadable file when permission bits apply', async () => {
    const file = path.join(dir, 'unreadable');
    await writeFile(file, 'x');
    await chmod(file, 0o000);
    const result = await md5File(file).catch((error: unknown) => error);
    // Root reads anything; for other users the bits hold.
    if (process.getuid?.() === 0) expect(result).toBe(md5Hex('x'));
    else expect(MlpError.isInstance(result) && result.code).toBe('PERMISSION_DENIED');
  });

  it('rejects unknown algorithms with INVALID_ARGUMENT', async () => {
    expect(() => hashHex('sha1' as never, 'x')).toThrow(/Unknown hash algorithm "sha1"/);
    const error = await hashStream('crc32' as never, 'x').catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
  });

  it('passes bytes through unchanged while hashing them, exposing the digest once finished', async () => {
    const hashing = createHashingStream('md5');
    expect(hashing.digest).toBeUndefined();
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunked('f' + 'oo', 1)), hashing, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    expect(Buffer.concat(out).toString()).toBe('foo');
    expect(hashing.digest).toBe(MD5_FOO);
    expect(hashing.bytes).toBe(3);
    expect(hashing.algorithm).toBe('md5');

    // The use it exists for: hashing a body while a blob store writes it.
    const store = createMemoryBlobStore();
    const whileWriting = createHashingStream('sha256');
    const info = await store.put('hashed', Readable.from(chunked('a'.repeat(1_000_000), 10_000)).pipe(whileWriting));
    expect(whileWriting.digest).toBe(SHA256_MILLION_A);
    expect(info.size).toBe(1_000_000);
    expect(sha256Hex(await store.getBytes('hashed'))).toBe(SHA256_MILLION_A);

    const sha = createHashingStream('sha256');
    sha.end();
    await new Promise((resolve) => sha.on('finish', resolve).resume());
    expect(sha.digest).toBe(SHA256_EMPTY);
  });
});

describe('hashFile', () => {
  // Around the whole-read limit and the 8 MiB double-buffer chunk, and empty: every byte hashed once, progress adding up.
  it.each([0, 3, 1024 * 1024, 1024 * 1024 + 1, 8 * 1024 * 1024, 17 * 1024 * 1024 + 5])('hashes %i bytes exactly', async (size) => {
    const bytes = Buffer.alloc(size);
    for (let index = 0; index < size; index++) bytes[index] = (index * 2654435761) >>> 24;
    const dir = await mkdtemp(path.join(tmpdir(), 'mlp-hash-file-'));
    try {
      const file = path.join(dir, 'data');
      await writeFile(file, bytes);
      const progress: number[] = [];
      expect(await hashFile('sha256', file, { onBytes: (count) => progress.push(count) })).toBe(sha256Hex(bytes));
      expect(await hashFile('md5', file, { size })).toBe(md5Hex(bytes));
      expect(progress.reduce((sum, count) => sum + count, 0)).toBe(size);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
