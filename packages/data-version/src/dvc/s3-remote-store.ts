import { createReadStream, writeFileSync } from 'node:fs';
import { type BlobStore, MlpError, md5Hex } from '@mlp/core';
import pLimit from 'p-limit';
import { OBJECTS_PREFIX, objectIdOfKey, objectKey } from './object-cache.js';
import type { RemoteSettings } from './remote-config.js';
import {
  CHECK_CONCURRENCY,
  countingChunks,
  describeRemote,
  LIST_CONCURRENCY,
  LIST_THRESHOLD,
  type RemoteStore,
  SMALL_OBJECT,
  writeHashing,
} from './remote-object.js';

/**
 * A remote in an S3 bucket (AWS or any S3-compatible endpoint), through @mlp/core's S3 blob store:
 * its error messages, streaming multipart uploads for large objects, listing. Small objects go
 * straight through the same S3 client as single PutObject/GetObject calls, which costs a fraction
 * of a streamed upload; if such a call fails it is retried once through the blob store, whose error
 * says what went wrong.
 */
export async function openS3Remote(remote: RemoteSettings): Promise<RemoteStore> {
  const description = describeRemote(remote);
  let core: typeof import('@mlp/core/s3');
  let sdk: typeof import('@aws-sdk/client-s3');
  try {
    [core, sdk] = await Promise.all([import('@mlp/core/s3'), import('@aws-sdk/client-s3')]);
  } catch (error) {
    throw new MlpError('FAILED_PRECONDITION', `${description} needs the AWS SDK: npm install @aws-sdk/client-s3 @aws-sdk/lib-storage`, {
      cause: error,
    });
  }
  const { bucket, prefix } = core.parseS3Url(remote.url);
  const credentials =
    remote.accessKeyId && remote.secretAccessKey
      ? {
          accessKeyId: remote.accessKeyId,
          secretAccessKey: remote.secretAccessKey,
          ...(remote.sessionToken ? { sessionToken: remote.sessionToken } : {}),
        }
      : undefined;
  // Configured as @mlp/core's S3 store configures its own client, and shared with it.
  const client = new sdk.S3Client({
    ...(remote.endpoint
      ? {
          endpoint: remote.endpoint,
          region: remote.region ?? 'us-east-1',
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : remote.region
        ? { region: remote.region }
        : {}),
    ...(credentials ? { credentials } : {}),
  });
  const store: BlobStore = core.createS3BlobStore({ bucket, prefix, client });
  const keyOf = (id: string) => prefix + objectKey(id);
  // Core's S3 errors already say what went wrong at which endpoint; add which remote it was. Core's
  // credentials hint names the workspace's blob settings, which a data remote does not read.
  const named = (error: unknown): MlpError => {
    if (!MlpError.isInstance(error)) return new MlpError('INTERNAL', `${description}: ${(error as Error).message}`, { cause: error });
    const message =
      error.code === 'UNAUTHENTICATED'
        ? `the S3 credentials were rejected or not found (${String(error.details?.s3Error ?? 'no credentials')}). Give the remote credentials: access_key_id and secret_access_key for remote ${JSON.stringify(remote.name)} in .dvc/config.local (accessKeyId and secretAccessKey in .mlp/data-config.json when there is no .dvc/), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an AWS profile.`
        : error.message;
    return new MlpError(error.code, `${description}: ${message}`, {
      cause: error,
      details: { ...error.details, remote: remote.name },
    });
  };

  return {
    description,
    async probe() {
      try {
        // One listing call: a missing bucket, bad credentials or a dead endpoint show up here, once.
        for await (const _ of store.list(`${OBJECTS_PREFIX}/`)) break;
      } catch (error) {
        throw named(error);
      }
    },
    async present(ids) {
      const found = new Set<string>();
      try {
        if (ids.length > LIST_THRESHOLD) {
          // One listing per two-hex prefix the ids use, several at once, as DVC traverses a remote:
          // the pages come back in parallel, and a server that walks a prefix per request walks less.
          const wanted = new Set(ids);
          const prefixes = [...new Set(ids.map((id) => id.slice(0, 2)))];
          const limit = pLimit(LIST_CONCURRENCY);
          await Promise.all(
            prefixes.map((prefix) =>
              limit(async () => {
                for await (const info of store.list(`${OBJECTS_PREFIX}/${prefix}/`)) {
                  const id = objectIdOfKey(info.key);
                  if (id && wanted.has(id)) found.add(id);
                }
              }),
            ),
          );
          return found;
        }
        const limit = pLimit(CHECK_CONCURRENCY);
        await Promise.all(ids.map((id) => limit(async () => void ((await store.head(objectKey(id))) && found.add(id)))));
        return found;
      } catch (error) {
        throw named(error);
      }
    },
    async upload(file, id, bytes, onBytes) {
      if (bytes) {
        try {
          await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: keyOf(id), Body: bytes, ContentLength: bytes.byteLength }));
          onBytes?.(bytes.byteLength);
          return;
        } catch {
          // Retried below through the blob store, which explains a failure that persists.
        }
      }
      try {
        await store.put(objectKey(id), bytes ?? (onBytes ? countingChunks(createReadStream(file), onBytes) : createReadStream(file)));
        if (bytes) onBytes?.(bytes.byteLength);
      } catch (error) {
        throw named(error);
      }
    },
    async download(id, toFile, onBytes) {
      try {
        const response = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: keyOf(id) }));
        const body = response.Body;
        if (body && (response.ContentLength ?? Number.POSITIVE_INFINITY) <= SMALL_OBJECT) {
          const bytes = await body.transformToByteArray();
          writeFileSync(toFile, bytes);
          onBytes?.(bytes.byteLength);
          return { md5: md5Hex(bytes), size: bytes.byteLength };
        }
        if (body) return await writeHashing(body as NodeJS.ReadableStream, toFile, onBytes);
      } catch {
        // Retried below through the blob store, which explains a failure that persists (NOT_FOUND included).
      }
      try {
        return await writeHashing(await store.get(objectKey(id)), toFile, onBytes);
      } catch (error) {
        if (MlpError.isInstance(error) && error.code === 'NOT_FOUND' && error.details?.s3Error !== 'NoSuchBucket')
          throw new MlpError('NOT_FOUND', `Object ${id} is not in ${description}. Push it from a project that has it.`, {
            cause: error,
            details: { object: id },
          });
        throw named(error);
      }
    },
    // PutObject and multipart uploads leave no partial object. A killed multipart upload leaves parts,
    // which S3 cannot attribute to a live or dead writer: a bucket lifecycle rule (README) removes them.
    removeStaleTemps: async () => 0,
    close: async () => {
      await store.close?.();
      client.destroy();
    },
  };
}
