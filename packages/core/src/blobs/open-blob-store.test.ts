import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { openBlobStore } from './open-blob-store.js';

async function rejection(action: Promise<unknown>): Promise<MlpError> {
  try {
    await action;
  } catch (error) {
    expect(MlpError.isInstance(error), String(error)).toBe(true);
    return error as MlpError;
  }
  return expect.fail('expected a rejection');
}

describe('openBlobStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-open-blobs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens memory://', async () => {
    const store = await openBlobStore('memory://');
    expect(store.driver).toBe('memory');
  });

  it('opens a plain path relative to baseDir, and an absolute one as it is', async () => {
    const relative = await openBlobStore('.mlp/blobs', { baseDir: dir });
    expect(relative).toMatchObject({ driver: 'fs', location: path.join(dir, '.mlp', 'blobs') });
    await relative.put('k', 'v');
    const absolute = await openBlobStore(path.join(dir, '.mlp', 'blobs'), { baseDir: '/elsewhere' });
    expect(Buffer.from(await absolute.getBytes('k')).toString()).toBe('v');
  });

  it('opens file:// URLs as folders', async () => {
    const store = await openBlobStore(pathToFileURL(path.join(dir, 'via url')).href);
    expect(store).toMatchObject({ driver: 'fs', location: path.join(dir, 'via url') });
    expect((await rejection(openBlobStore('file://somehost/share'))).code).toBe('INVALID_ARGUMENT');
  });

  it('opens s3:// URLs with the S3 settings, loading the driver only then', async () => {
    const store = await openBlobStore('s3://my-bucket/team/blobs', {
      s3: { endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', accessKeyId: 'a', secretAccessKey: 'b' },
    });
    expect(store).toMatchObject({ driver: 's3', location: 's3://my-bucket/team/blobs/' });
    await store.close?.();
    expect((await rejection(openBlobStore('s3://my-bucket', { s3: { accessKeyId: 'only-one' } }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(openBlobStore('s3:///no-bucket'))).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects empty URLs and unknown schemes, pointing to plugins', async () => {
    expect((await rejection(openBlobStore(''))).code).toBe('INVALID_ARGUMENT');
    const error = await rejection(openBlobStore('gs://bucket/x'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/blobDriver plugin for 'gs'/);
  });

  it('tells how to install the AWS SDK when the S3 driver cannot load it', async () => {
    vi.resetModules();
    vi.doMock('./s3/index.js', () => {
      throw Object.assign(new Error("Cannot find package '@aws-sdk/client-s3' imported from s3-blob-store.js"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    try {
      const { openBlobStore: openFresh } = await import('./open-blob-store.js');
      const error = await rejection(openFresh('s3://bucket/prefix'));
      expect(error.code).toBe('FAILED_PRECONDITION');
      expect(error.message).toContain('npm install @aws-sdk/client-s3 @aws-sdk/lib-storage');
    } finally {
      vi.doUnmock('./s3/index.js');
      vi.resetModules();
    }
  });
});
