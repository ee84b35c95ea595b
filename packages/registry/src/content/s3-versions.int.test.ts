import path from 'node:path';
import { MlpError, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestBucket, type TempDir, testS3Server } from '@mlp/core/testing';
import { createTracking, type Tracking } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry, type Registry } from '../open-registry.js';
import { versionPrefix } from './version-blobs.js';

// Version bytes on an S3-protocol server (s3rver, started by the int project's global setup): copied
// while hashing as they stream, downloaded with every hash checked, tampering detected.
describe('versions on an S3 blob store', () => {
  let bucket: string;
  let temp: TempDir;
  let workspace: Workspace;
  let tracking: Tracking;
  let registry: Registry;

  beforeAll(async () => {
    bucket = await createTestBucket('registry');
    const s3 = testS3Server();
    temp = await createTempDir('mlp-registry-s3-');
    workspace = await openWorkspace({ dir: temp.path, logLevel: 'error', blobs: { url: `s3://${bucket}/ws`, s3 } });
    tracking = createTracking(workspace, { captureProvenance: false });
    registry = await openRegistry(workspace, { tracking, actor: 'tester' });
  });
  afterAll(async () => {
    await registry?.close();
    await tracking?.close();
    await workspace?.close();
    await temp?.remove();
  });

  it('registers, downloads verified, and reports a tampered object', async () => {
    const big = new Uint8Array(6 * 1024 * 1024).map((_, index) => index % 251); // past one multipart part
    const runId = await tracking.withRun({ experiment: 's3' }, async (run) => {
      await run.logArtifact(big, { path: 'model/weights.bin' });
      await run.logArtifact(new TextEncoder().encode('{}'), { path: 'model/config.json' });
      return run.runId;
    });
    const version = await registry.registerVersion({ name: 'on-s3', source: runId });
    expect(version.status).toBe('READY');
    const out = path.join(temp.path, 'out');
    expect(await registry.download('on-s3/1', out)).toMatchObject({ files: 2, bytes: big.length + 2 });

    const [row] = await workspace.db.query<{ model_id: string }>('select model_id from registry_models where name = $1', ['on-s3']);
    await workspace.blobs.put(`${versionPrefix(Number(row?.model_id), 1)}config.json`, '{"evil":true}');
    const error = await registry.download('on-s3/1', path.join(temp.path, 'bad')).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('FAILED_PRECONDITION');
    expect((error as Error).message).toContain('config.json has sha256');
  });
});
