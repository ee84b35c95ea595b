import { S3Client } from '@aws-sdk/client-s3';
import { testS3Server } from '@mlp/core/testing';

/** A client of the test S3 server, for looking at what a remote holds. */
export function s3Client(): S3Client {
  const { endpoint, region, accessKeyId, secretAccessKey } = testS3Server();
  return new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
}
