import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { z } from 'zod';
import { formatZodIssues } from '../../config/format-zod-error.js';
import { MlpError } from '../../errors/mlp-error.js';
import { blobAborted } from '../blob-errors.js';
import { assertBlobKey, assertBlobPrefix, validateBlobKey } from '../blob-key.js';
import type { BlobBody, BlobInfo, BlobStore, GetOptions, PutOptions } from '../blob-store.js';
import { createGetStream, createPutSource, readAll, toByteStream } from '../body.js';
import { quietAwsNodeVersionWarning } from './quiet-aws-node-warning.js';
import { mapS3Error, type S3Operation } from './s3-errors.js';
import { assertBucketName, normalizeS3Prefix } from './s3-url.js';

const MiB = 1024 * 1024;

export const s3BlobStoreOptionsSchema = z.strictObject({
  bucket: z.string().min(1, 'must not be empty'),
  /** Key prefix inside the bucket (`team/blobs`); the store's keys live under it. */
  prefix: z.string().optional(),
  /** An S3-compatible endpoint (`http://127.0.0.1:9000`); AWS's own when absent. */
  endpoint: z.url().optional(),
  /** Defaults to `us-east-1` with a custom endpoint, else to the SDK's (AWS_REGION, ~/.aws/config). */
  region: z.string().min(1).optional(),
  /** `bucket` in the path instead of the host name; defaults to true with a custom endpoint. */
  forcePathStyle: z.boolean().optional(),
  /** Static keys; the SDK's default chain (environment, ~/.aws, instance roles) when absent. Not strict: the SDK adds fields to credential objects it has used. */
  credentials: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1).optional() })
    .optional(),
  /** A client to use instead of building one (then region, endpoint and credentials are ignored, and close() leaves it open). */
  client: z.custom<S3Client>((value) => typeof (value as S3Client | undefined)?.send === 'function', 'must be an S3Client').optional(),
  /**
   * Multipart part size. Default 8 MiB; S3's minimum is 5 MiB. A put holds about (queueSize + 2) ×
   * partSize, plus what the garbage collector has not reclaimed yet.
   */
  partSize: z
    .number()
    .int()
    .min(5 * MiB)
    .max(5 * 1024 * MiB)
    .optional(),
  /** Parts uploaded at once. Default 2, which keeps a streamed put under about 80 MB of resident memory; raise it on high-latency links. */
  queueSize: z.number().int().min(1).max(16).optional(),
  /** Keys per ListObjectsV2 page. Default (and S3's maximum) 1000. */
  listPageSize: z.number().int().min(1).max(1000).optional(),
});

export type S3BlobStoreOptions = z.infer<typeof s3BlobStoreOptionsSchema>;

// At load, not per client: @mlp/data-version builds its S3 client after importing this module.
quietAwsNodeVersionWarning();

function buildClient(options: S3BlobStoreOptions): S3Client {
  const config: S3ClientConfig = {};
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    config.region = options.region ?? 'us-east-1';
    config.forcePathStyle = options.forcePathStyle ?? true;
    // The SDK's default CRC checksums (aws-chunked bodies with trailers) are not understood by many
    // S3-compatible servers; ask for checksums only where the API requires them.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  } else {
    if (options.region) config.region = options.region;
    if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
  }
  if (options.credentials) config.credentials = options.credentials;
  return new S3Client(config);
}

/**
 * A blob store in an S3 bucket (AWS or any S3-compatible endpoint). Bodies stream through multipart
 * uploads in constant memory; a failed or aborted put aborts the upload, so no partial object appears.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const parsed = s3BlobStoreOptionsSchema.safeParse(options);
  if (!parsed.success) throw new MlpError('INVALID_ARGUMENT', `Invalid S3 blob store options: ${formatZodIssues(parsed.error)}.`);
  const settings = parsed.data;
  const { bucket } = settings;
  assertBucketName(bucket);
  const prefix = normalizeS3Prefix(settings.prefix);
  const client = settings.client ?? buildClient(settings);
  const ownsClient = settings.client === undefined;
  const partSize = settings.partSize ?? 8 * MiB;
  const queueSize = settings.queueSize ?? 2;
  const pageSize = settings.listPageSize ?? 1000;
  const location = `s3://${bucket}/${prefix}`;
  const endpoint =
    settings.endpoint ?? (settings.client ? 'the S3 client’s endpoint' : `AWS S3${settings.region ? ` (${settings.region})` : ''}`);

  const fail = (error: unknown, operation: S3Operation, key: string) => mapS3Error(error, { operation, key, bucket, location, endpoint });

  async function put(key: string, body: BlobBody, options: PutOptions = {}): Promise<BlobInfo> {
    assertBlobKey(key);
    const { signal, onProgress, contentType } = options;
    if (signal?.aborted) throw blobAborted('put', key, signal);
    // The signal stops the body, which fails the upload the normal way: in-flight parts finish, then
    // the multipart upload is aborted. (Upload's own abort() would return early and leave requests running.)
    const source = createPutSource(key, body, options, false);
    const upload = new Upload({
      client,
      params: {
        Bucket: bucket,
        Key: prefix + key,
        Body: toByteStream(source.chunks),
        ...(contentType ? { ContentType: contentType } : {}),
      },
      partSize,
      queueSize,
      leavePartsOnError: false,
    });
    if (onProgress) {
      upload.on('httpUploadProgress', (progress) => {
        if (progress.loaded !== undefined) onProgress(progress.loaded);
      });
    }
    try {
      const result = await upload.done();
      const info: BlobInfo = { key, size: source.bytesRead(), lastModified: new Date() };
      if (result.ETag) info.etag = result.ETag;
      if (contentType) info.contentType = contentType;
      return info;
    } catch (error) {
      if (signal?.aborted) throw blobAborted('put', key, signal);
      // A body failure is the news, even when aborting the multipart upload then failed too.
      throw source.failure() ?? fail(error, 'put', key);
    }
  }

  async function get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertBlobKey(key);
    const { signal } = options;
    if (signal?.aborted) throw blobAborted('get', key, signal);
    try {
      const response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: prefix + key }),
        signal ? { abortSignal: signal } : {},
      );
      const body = response.Body;
      const chunks = body instanceof Readable ? (body as AsyncIterable<Uint8Array>) : Readable.from([]);
      return createGetStream(chunks, { key, signal, mapError: (error) => fail(error, 'get', key) });
    } catch (error) {
      if (signal?.aborted) throw blobAborted('get', key, signal);
      throw fail(error, 'get', key);
    }
  }

  async function head(key: string): Promise<BlobInfo | undefined> {
    assertBlobKey(key);
    try {
      const response = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }));
      const info: BlobInfo = { key, size: response.ContentLength ?? 0, lastModified: response.LastModified ?? new Date(0) };
      if (response.ETag) info.etag = response.ETag;
      if (response.ContentType) info.contentType = response.ContentType;
      return info;
    } catch (error) {
      const mapped = fail(error, 'head', key);
      // HEAD answers carry no error body, so a missing bucket looks like a missing key here too.
      if (mapped.code === 'NOT_FOUND' && mapped.details?.s3Error !== 'NoSuchBucket') return undefined;
      throw mapped;
    }
  }

  async function* list(listPrefix = ''): AsyncGenerator<BlobInfo> {
    assertBlobPrefix(listPrefix);
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + listPrefix, MaxKeys: pageSize, ContinuationToken: token }),
        );
      } catch (error) {
        throw fail(error, 'list', listPrefix);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        const key = object.Key.slice(prefix.length);
        // Objects written by other tools under names no key can have ('a//b') are not addressable here.
        if (validateBlobKey(key) !== undefined) continue;
        const info: BlobInfo = { key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
        if (object.ETag) info.etag = object.ETag;
        yield info;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async function remove(key: string): Promise<void> {
    assertBlobKey(key);
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key }));
    } catch (error) {
      const mapped = fail(error, 'delete', key);
      if (mapped.code !== 'NOT_FOUND' || mapped.details?.s3Error === 'NoSuchBucket') throw mapped;
    }
  }

  return {
    driver: 's3',
    location,
    put,
    get,
    getBytes: async (key, options) => readAll(await get(key, options)),
    head,
    list,
    delete: remove,
    async close() {
      if (ownsClient) client.destroy();
    },
  };
}
