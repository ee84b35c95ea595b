import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { resolveConfig } from './resolve-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlp-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writeConfig = (content: unknown) =>
  writeFileSync(path.join(dir, 'mlp.config.json'), typeof content === 'string' ? content : JSON.stringify(content));

function errorOf(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}

describe('resolveConfig', () => {
  it('falls back to the embedded database and .mlp/blobs', () => {
    const { config } = resolveConfig({ dir, env: {} });
    expect(config.dir).toBe(dir);
    expect(config.stateDir).toBe(path.join(dir, '.mlp'));
    expect(config.database.url).toBe('embedded');
    expect(config.blobs.url).toBe(path.join('.mlp', 'blobs'));
    expect(config.logLevel).toBe('info');
    expect(config.sources).toEqual({ 'database.url': 'default', 'blobs.url': 'default', logLevel: 'default' });
  });

  it('takes options over MLP_* variables over the file over defaults', () => {
    writeConfig({ database: { url: 'postgres://file/db' }, blobs: { url: 'file-blobs' }, logLevel: 'warn' });
    const env = { MLP_DATABASE_URL: 'postgres://env/db', MLP_LOG_LEVEL: 'debug' };
    const { config } = resolveConfig({ dir, env, logLevel: 'error' });
    expect(config.database.url).toBe('postgres://env/db');
    expect(config.blobs.url).toBe('file-blobs');
    expect(config.logLevel).toBe('error');
    expect(config.sources).toEqual({ 'database.url': 'env', 'blobs.url': 'file', logLevel: 'option' });
  });

  it('finds the workspace through MLP_WORKSPACE when no dir is given', () => {
    const { config } = resolveConfig({ env: { MLP_WORKSPACE: dir } });
    expect(config.dir).toBe(dir);
  });

  it('merges S3 settings from file, env and options', () => {
    writeConfig({ blobs: { url: 's3://bucket/prefix', s3: { region: 'eu-west-1', forcePathStyle: false } } });
    const { config } = resolveConfig({ dir, env: { MLP_S3_ENDPOINT: 'http://127.0.0.1:9000', MLP_S3_FORCE_PATH_STYLE: 'true' } });
    expect(config.blobs.s3).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  });

  it("passes the features' online store URL through, and refuses one that is neither workspace nor redis://", () => {
    expect(resolveConfig({ dir, env: {} }).config.features.online.url).toBeUndefined();
    writeConfig({ features: { online: { url: 'redis://cache:6379/2' } } });
    expect(resolveConfig({ dir, env: {} }).config.features.online.url).toBe('redis://cache:6379/2');
    writeConfig({ features: { online: { url: 'memcached://cache' } } });
    expect(errorOf(() => resolveConfig({ dir, env: {} })).message).toContain('features.online.url');
  });

  it('names unknown keys of mlp.config.json, with their path and the file', () => {
    writeConfig({ databse: {}, blobs: { ur: 'x' } });
    const error = errorOf(() => resolveConfig({ dir, env: {} }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(path.join(dir, 'mlp.config.json'));
    expect(error.message).toContain('"databse"');
    expect(error.message).toContain('blobs: unknown key "ur"');
  });

  it('reports the zod path of a bad value', () => {
    writeConfig({ database: { url: 'mysql://nope' } });
    const error = errorOf(() => resolveConfig({ dir, env: {} }));
    expect(error.message).toMatch(/database\.url: must be "embedded" or a postgres:\/\/ URL/);
  });

  it('says so when the file is not JSON', () => {
    writeConfig('{ "database": ');
    const error = errorOf(() => resolveConfig({ dir, env: {} }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('is not valid JSON');
  });

  it('rejects invalid values of MLP_* variables, naming the variable', () => {
    expect(errorOf(() => resolveConfig({ dir, env: { MLP_LOG_LEVEL: 'loud' } })).message).toContain('MLP_LOG_LEVEL="loud" is not valid');
    expect(errorOf(() => resolveConfig({ dir, env: { MLP_DATABASE_URL: 'sqlite://x' } })).message).toContain('MLP_DATABASE_URL');
    expect(errorOf(() => resolveConfig({ dir, env: { MLP_S3_FORCE_PATH_STYLE: 'yes' } })).message).toContain('expected true or false');
    expect(errorOf(() => resolveConfig({ dir, env: { MLP_S3_ENDPOINT: 'not a url' } })).code).toBe('INVALID_ARGUMENT');
  });

  it("warns about a variable that looks like a misspelt core variable, and ignores other packages' variables", () => {
    const { warnings } = resolveConfig({ dir, env: { MLP_DATABSE_URL: 'x', MLP_TRACKING_HEARTBEAT_MS: '5000' } });
    expect(warnings).toEqual(['Environment variable MLP_DATABSE_URL is not used by mlp; did you mean MLP_DATABASE_URL?']);
  });

  it('accepts process.env itself as the environment', () => {
    expect(resolveConfig({ dir, env: process.env }).config.dir).toBe(dir);
  });

  it('rejects unknown options', () => {
    const error = errorOf(() => resolveConfig({ dir, env: {}, databaseUrl: 'x' } as never));
    expect(error.message).toContain('"databaseUrl"');
  });
});
