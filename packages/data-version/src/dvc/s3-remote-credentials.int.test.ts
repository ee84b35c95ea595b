import { MlpError } from '@mlp/core';
import { createTestBucket, testS3Server } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { openS3Remote } from './s3-remote-store.js';

// A data remote whose keys are refused must say where a remote's credentials go, not point at the
// workspace's blob settings (blobs.s3 in mlp.config.json), which remotes never read.
describe('an S3 remote with rejected credentials', () => {
  it('says how to give the remote credentials', async () => {
    const server = testS3Server();
    const bucket = await createTestBucket('remote-credentials');
    const remote = await openS3Remote({
      name: 'storage',
      default: true,
      url: `s3://${bucket}/dvc`,
      endpoint: server.endpoint,
      accessKeyId: 'NOT-A-KEY',
      secretAccessKey: 'not-a-secret',
    });
    const error = await remote.probe(false).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('UNAUTHENTICATED');
    const message = (error as Error).message;
    expect(message).toContain('access_key_id and secret_access_key for remote "storage" in .dvc/config.local');
    expect(message).not.toContain('blobs.s3');
  });
});
