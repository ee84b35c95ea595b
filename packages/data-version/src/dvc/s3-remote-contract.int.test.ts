import { createTestBucket, testS3Server } from '@mlp/core/testing';
import { runRemoteStoreContract } from '../testing/remote-store-contract.js';
import { openS3Remote } from './s3-remote-store.js';

runRemoteStoreContract('S3 against an S3-protocol server process', async () => {
  const server = testS3Server();
  const bucket = await createTestBucket('remote-contract');
  const store = await openS3Remote({
    name: 'contract',
    default: true,
    url: `s3://${bucket}/dvc`,
    endpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  });
  return { store };
});
