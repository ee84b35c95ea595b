import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../../errors/mlp-error.js';
import { runBlobStoreContract } from '../../testing/blob-store-contract.js';
import type { BlobStore } from '../blob-store.js';
import { createS3BlobStore, type S3BlobStoreOptions } from './index.js';

interface S3Server {
  endpoint: string;
  stop(): Promise<void>;
}

// s3rver's only account; a CI-provided server (MLP_TEST_S3_ENDPOINT) can name its own.
const credentials = {
  accessKeyId: process.env.MLP_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
  secretAccessKey: process.env.MLP_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
};
const region = 'us-east-1';

// One server for the file: CI's (MLP_TEST_S3_ENDPOINT), or a process started here.
let server: S3Server | undefined;
let endpointPromise: Promise<string> | undefined;
function endpoint(): Promise<string> {
  endpointPromise ??= (async () => {
    if (process.env.MLP_TEST_S3_ENDPOINT) return process.env.MLP_TEST_S3_ENDPOINT;
    const script = pathToFileURL(path.resolve(import.meta.dirname, '../../../../../tools/scripts/s3-server.mjs')).href;
    const { startS3Server } = (await import(script)) as { startS3Server(options: object): Promise<S3Server> };
    server = await startS3Server({});
    return server.endpoint;
  })();
  return endpointPromise;
}

const runId = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
let bucketCount = 0;

/** A fresh bucket; the returned function empties and removes it. */
async function freshBucket(admin: S3Client): Promise<{ bucket: string; remove(): Promise<void> }> {
  const bucket = `mlp-int-${runId}-${++bucketCount}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    bucket,
    async remove() {
      let token: string | undefined;
      do {
        const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const object of page.Contents ?? []) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    },
  };
}

async function adminClient(): Promise<S3Client> {
  return new S3Client({
    endpoint: await endpoint(),
    region,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

async function openStore(options: Partial<S3BlobStoreOptions> & { bucket: string }): Promise<BlobStore> {
  return createS3BlobStore({ endpoint: await endpoint(), region, credentials, ...options });
}

afterAll(async () => {
  await server?.stop();
}, 30_000);

runBlobStoreContract('s3 against an S3-protocol server process', async () => {
  const admin = await adminClient();
  const { bucket, remove } = await freshBucket(admin);
  return {
    store: await openStore({ bucket, prefix: 'contract' }),
    cleanup: async () => {
      await remove();
      admin.destroy();
    },
  };
});

async function rejection(action: Promise<unknown>): Promise<MlpError> {
  try {
    await action;
  } catch (error) {
    expect(MlpError.isInstance(error), String(error)).toBe(true);
    return error as MlpError;
  }
  return expect.fail('expected a rejection');
}

async function keys(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const found: string[] = [];
  for await (const { key } of iterable) found.push(key);
  return found;
}

describe('s3 blob store', () => {
  let admin: S3Client;
  let bucket: string;
  let removeBucket: () => Promise<void>;

  beforeAll(async () => {
    admin = await adminClient();
    ({ bucket, remove: removeBucket } = await freshBucket(admin));
  }, 60_000);
  afterAll(async () => {
    await removeBucket?.();
    admin?.destroy();
  }, 60_000);

  it('keeps keys under its prefix, apart from other prefixes in the bucket', async () => {
    const a = await openStore({ bucket, prefix: '/team-a/' });
    const b = await openStore({ bucket, prefix: 'team-b' });
    expect(a.location).toBe(`s3://${bucket}/team-a/`);
    await a.put('x/1', 'a1');
    await b.put('x/1', 'b1');
    expect(Buffer.from(await a.getBytes('x/1')).toString()).toBe('a1');
    expect(await keys(a.list())).toEqual(['x/1']);
    const raw = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'team-' }));
    expect(raw.Contents?.map((object) => object.Key)).toEqual(['team-a/x/1', 'team-b/x/1']);
    await Promise.all([a.close?.(), b.close?.()]);
  });

  it('follows list pagination across pages', async () => {
    const store = await openStore({ bucket, prefix: 'paged', listPageSize: 2 });
    const written = ['k/1', 'k/2', 'k/3', 'k/4', 'k/5'];
    for (const key of [...written].reverse()) await store.put(key, key);
    expect(await keys(store.list('k/'))).toEqual(written);
    expect(await keys(store.list())).toEqual(written);
    await store.close?.();
  });

  it('skips objects other tools wrote under names no key can have', async () => {
    // (A backslash, say; s3rver cannot store 'a//b', which would be the other example.)
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'odd/back\\slash', Body: 'x' }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'odd/ok', Body: 'x' }));
    const store = await openStore({ bucket, prefix: 'odd' });
    expect(await keys(store.list())).toEqual(['ok']);
    await store.close?.();
  });

  it('returns the ETag and content type it stored', async () => {
    const store = await openStore({ bucket });
    const info = await store.put('typed.json', '{"a":1}', { contentType: 'application/json' });
    expect(info.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const head = await store.head('typed.json');
    expect(head).toMatchObject({ key: 'typed.json', size: 7, contentType: 'application/json', etag: info.etag });
    await store.close?.();
  });

  it('reports a missing bucket as NOT_FOUND naming it', async () => {
    const store = await openStore({ bucket: `${bucket}-missing` });
    for (const action of [() => store.put('k', 'x'), () => store.get('k'), () => keys(store.list())]) {
      const error = await rejection(action());
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain(`${bucket}-missing`);
    }
    await store.close?.();
  });

  it('reports rejected credentials as UNAUTHENTICATED', async () => {
    const store = await openStore({ bucket, credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } });
    const error = await rejection(store.get('k'));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/AWS_ACCESS_KEY_ID/);
    await store.close?.();
  });

  it('reports an unreachable endpoint as UNAVAILABLE naming it', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const store = createS3BlobStore({ bucket, endpoint: `http://127.0.0.1:${port}`, credentials, region });
    for (const action of [() => store.head('k'), () => store.put('k', 'x')]) {
      const error = await rejection(action());
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain(`http://127.0.0.1:${port}`);
    }
    await store.close?.();
  }, 30_000);

  it('validates its options', () => {
    expect(() => createS3BlobStore({ bucket: '' })).toThrow(/bucket/);
    expect(() => createS3BlobStore({ bucket: 'b', partSize: 1024 })).toThrow(/partSize/);
    expect(() => createS3BlobStore({ bucket: 'b', queueSize: 0 })).toThrow(/queueSize/);
    expect(() => createS3BlobStore({ bucket: 'b', endpoint: 'not a url' })).toThrow(/endpoint/);
    expect(() => createS3BlobStore({ bucket: 'b', prefix: 'a//b' })).toThrow(/prefix/);
    expect(() => createS3BlobStore({ bucket: 'b/c' })).toThrow(/bucket/);
  });
});
