import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** The S3-protocol server the int project's global setup started (or CI's), with s3rver's account. */
export function s3Endpoint(): string {
  const endpoint = process.env.MLP_TEST_S3_ENDPOINT;
  if (!endpoint) throw new Error('MLP_TEST_S3_ENDPOINT is not set: run through the int project (vitest --project int).');
  return endpoint;
}

export const s3Credentials = {
  accessKeyId: process.env.MLP_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
  secretAccessKey: process.env.MLP_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
};

export function s3Client(): S3Client {
  return new S3Client({ endpoint: s3Endpoint(), region: 'us-east-1', forcePathStyle: true, credentials: s3Credentials });
}

/** A fresh bucket per test file. */
export async function createBucket(prefix: string): Promise<string> {
  const bucket = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const client = s3Client();
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}
