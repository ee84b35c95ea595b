import { MlpError } from '../errors/mlp-error.js';

/** The S3-protocol server of the test run, as workspace `blobs.s3` settings (path-style addressing). */
export interface TestS3Server {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The S3-protocol server the `int` project's global setup started (MLP_TEST_S3_ENDPOINT), with
 * s3rver's account unless MLP_TEST_S3_ACCESS_KEY_ID / MLP_TEST_S3_SECRET_ACCESS_KEY name another.
 */
export function testS3Server(): TestS3Server {
  const endpoint = process.env.MLP_TEST_S3_ENDPOINT;
  if (!endpoint) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      'MLP_TEST_S3_ENDPOINT is not set: run this file in the int project (vitest --project int), whose setup starts s3rver.',
    );
  }
  return {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: process.env.MLP_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
    secretAccessKey: process.env.MLP_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
  };
}

/** A fresh bucket on the test S3 server, named `<prefix>-<unique>`; needs the optional @aws-sdk/client-s3. */
export async function createTestBucket(prefix = 'mlp-test'): Promise<string> {
  const { CreateBucketCommand, S3Client } = await import('@aws-sdk/client-s3');
  const server = testS3Server();
  const bucket = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}
