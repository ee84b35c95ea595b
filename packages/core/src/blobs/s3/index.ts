export { createS3BlobStore, type S3BlobStoreOptions, s3BlobStoreOptionsSchema } from './s3-blob-store.js';
export { parseS3Url, type S3Location } from './s3-url.js';
