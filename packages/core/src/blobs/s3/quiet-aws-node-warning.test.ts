import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// A clean run prints nothing the user did not ask for: the AWS SDK's Node-version notice included.
const variable = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
let warnings: string[];
const onWarning = (warning: Error) => warnings.push(String(warning.message));
let saved: string | undefined;
beforeEach(() => {
  saved = process.env[variable];
  delete process.env[variable];
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
  if (saved === undefined) delete process.env[variable];
  else process.env[variable] = saved;
});

describe('the S3 blob store', () => {
  it('creates S3 clients without the AWS SDK Node-version warning', async () => {
    const { createS3BlobStore } = await import('./s3-blob-store.js');
    const { S3Client } = await import('@aws-sdk/client-s3');
    createS3BlobStore({ bucket: 'quiet-bucket', endpoint: 'http://127.0.0.1:9' });
    new S3Client({ region: 'us-east-1' }); // as @mlp/data-version builds its own after loading this module
    await new Promise((resolve) => setImmediate(resolve)); // process.emitWarning emits on the next tick
    expect(warnings.filter((message) => message.includes('NodeVersionSupportWarning'))).toEqual([]);
  });
});
