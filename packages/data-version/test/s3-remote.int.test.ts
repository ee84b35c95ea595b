import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { md5Hex } from '@mlp/core';
import { createTempDir, createTestBucket, type TempDir, testS3Server } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataRepo } from '../src/dvc/data-repo.js';
import { writeTree } from '../src/dvc/test-project.js';
import { s3Client } from './s3-helpers.js';

let temp: TempDir;
let bucket: string;

beforeAll(async () => {
  temp = await createTempDir('mlp-data-s3-');
  bucket = await createTestBucket('mlp-data');
});
afterAll(async () => {
  await temp?.remove();
});

const files: Record<string, string | Buffer> = {
  'data/a.csv': 'x,y\n1,2\n',
  'data/deep/b.json': '{"ü": true}',
  'data/large.bin': Buffer.from(Array.from({ length: 9 * 1024 * 1024 + 3 }, (_, index) => (index * 31) % 256)),
  'labels.txt': 'cat\ndog\n',
};

/** A DVC-shared project whose S3 credentials live in .dvc/config.local, as DVC keeps them. */
async function dvcProject(name: string): Promise<string> {
  const root = path.join(temp.path, name);
  await mkdir(path.join(root, '.dvc'), { recursive: true });
  await writeFile(
    path.join(root, '.dvc', 'config.local'),
    `['remote "s3"']\n    access_key_id = ${testS3Server().accessKeyId}\n    secret_access_key = ${testS3Server().secretAccessKey}\n`,
  );
  return root;
}

describe('an S3 remote (S3-protocol server process)', () => {
  it('round-trips byte for byte through s3://bucket/prefix in DVC 3 layout', async () => {
    const root = await dvcProject('origin');
    await writeTree(root, files);
    const repo = await openDataRepo({ root });
    await repo.add(['data', 'labels.txt']);
    await repo.remotes.add('s3', `s3://${bucket}/team/dvc`, { endpoint: testS3Server().endpoint, default: true });
    const pushed = await repo.push({ jobs: 8 });
    expect(pushed).toMatchObject({ remote: 's3', transferred: 5, skipped: 0, failed: [], missing: [] });
    expect(await repo.push()).toMatchObject({ transferred: 0, skipped: 5 });

    const client = s3Client();
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'team/dvc/' }));
    client.destroy();
    const keys = (listed.Contents ?? []).map((object) => object.Key);
    const labels = md5Hex('cat\ndog\n');
    expect(keys).toHaveLength(5);
    expect(keys).toContain(`team/dvc/files/md5/${labels.slice(0, 2)}/${labels.slice(2)}`);

    const clone = await dvcProject('clone');
    await writeFile(path.join(clone, '.dvc', 'config'), await readFile(path.join(root, '.dvc', 'config'), 'utf8'));
    for (const name of ['data.dvc', 'labels.txt.dvc']) await writeFile(path.join(clone, name), await readFile(path.join(root, name)));
    const cloned = await openDataRepo({ root: clone });
    const pulled = await cloned.pull({ jobs: 8 });
    expect(pulled).toMatchObject({ transferred: 5, failed: [], missing: [], checkout: { failed: [] } });
    for (const [name, content] of Object.entries(files))
      expect(Buffer.compare(await readFile(path.join(clone, name)), Buffer.from(content))).toBe(0);
    expect((await cloned.status()).clean).toBe(true);
  });

  it('names the remote when its bucket is missing or its endpoint unreachable', async () => {
    const root = await dvcProject('errors');
    await writeTree(root, { foo: 'foo' });
    const repo = await openDataRepo({ root });
    await repo.add(['foo']);
    await repo.remotes.add('s3', 's3://no-such-bucket-mlp/x', { endpoint: testS3Server().endpoint });
    await expect(repo.push({ remote: 's3' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^remote 's3' \(s3:\/\/no-such-bucket-mlp\/x\): .*bucket/),
    });
    await repo.remotes.add('down', `s3://${bucket}/x`, { endpoint: 'http://127.0.0.1:9' });
    // .dvc/config.local has credentials for "s3" only; "down" fails before credentials matter.
    await writeFile(path.join(root, '.dvc', 'config.local'), `['remote "down"']\n    access_key_id = a\n    secret_access_key = b\n`);
    await expect(repo.push({ remote: 'down' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/^remote 'down' .*unreachable/),
    });
  });
});
