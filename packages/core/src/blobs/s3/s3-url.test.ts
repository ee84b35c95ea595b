import { describe, expect, it } from 'vitest';
import { MlpError } from '../../errors/mlp-error.js';
import { normalizeS3Prefix, parseS3Url } from './s3-url.js';

function invalid(action: () => unknown): MlpError {
  try {
    action();
  } catch (error) {
    expect(MlpError.isInstance(error)).toBe(true);
    expect((error as MlpError).code).toBe('INVALID_ARGUMENT');
    return error as MlpError;
  }
  return expect.fail('expected INVALID_ARGUMENT');
}

describe('parseS3Url', () => {
  it.each([
    ['s3://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/team', { bucket: 'bucket', prefix: 'team/' }],
    ['s3://bucket/team/blobs/', { bucket: 'bucket', prefix: 'team/blobs/' }],
    ['S3://my.bucket-1/a b/%20', { bucket: 'my.bucket-1', prefix: 'a b/%20/' }],
  ])('parses %s', (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  it.each(['s3://', 's3:///x', 'http://bucket/x', 'bucket/x', 's3://bu$ket/x', 's3://bucket/a//b', 's3://bucket/../x', 's3://bucket/a\\b'])(
    'rejects %s',
    (url) => {
      expect(invalid(() => parseS3Url(url)).message).toContain(JSON.stringify(url).slice(1, 8));
    },
  );
});

describe('normalizeS3Prefix', () => {
  it('drops surrounding slashes and ends a non-empty prefix with one', () => {
    expect(normalizeS3Prefix(undefined)).toBe('');
    expect(normalizeS3Prefix('/')).toBe('');
    expect(normalizeS3Prefix('/a/b/')).toBe('a/b/');
    expect(normalizeS3Prefix('a')).toBe('a/');
    invalid(() => normalizeS3Prefix('a/./b'));
  });
});
