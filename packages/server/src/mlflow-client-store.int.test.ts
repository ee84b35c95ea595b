import { createSilentLogger, openWorkspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { openSqlTrackingStore } from '@mlp/tracking';
import { createMlflowTrackingStore } from '@mlp/tracking/mlflow';
import { runTrackingStoreContract } from '@mlp/tracking/testing';
import { describe, expect, it } from 'vitest';
import { createServer } from './create-server.js';

const token = 'contract-token-0123456789';

/** `mlp server` on a fresh workspace, with a bearer token, and the MLflow REST store pointed at it. */
async function serveWorkspace(options: { enforceBatchLimits?: boolean } = {}) {
  const dir = await createTempDir('mlp-mlflow-store-');
  const database = await createTestDatabase('mlp_mlflow_store');
  const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
  const tracking = await openSqlTrackingStore(workspace);
  const server = createServer({ workspace, tracking, logger: createSilentLogger(), tokens: [{ token, scopes: ['read', 'write'] }] });
  const url = await server.listen({ port: 0 });
  return {
    url,
    tracking,
    store: createMlflowTrackingStore({ url, token, retryDelayMs: 10, ...options }),
    async cleanup() {
      await server.close();
      await workspace.close();
      await database.drop();
      await dir.remove();
    },
  };
}

// The proof that MLflow REST clients talk to mlp server: the whole store contract, over HTTP.
runTrackingStoreContract('mlflow REST client against mlp server', serveWorkspace);

describe('mlflow REST client against mlp server, beyond the contract', () => {
  it('splits a batch over the limits into several log-batch requests when asked to', async () => {
    const harness = await serveWorkspace({ enforceBatchLimits: false });
    try {
      const run = await harness.store.createRun({ experimentId: '0' });
      const metrics = Array.from({ length: 2500 }, (_, step) => ({ key: 'm', value: step, timestamp: 1, step }));
      const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
      await harness.store.logBatch(run.runId, { metrics, params });
      const read = await harness.tracking.getRun(run.runId);
      expect(Object.keys(read.params)).toHaveLength(150);
      expect((await harness.tracking.getMetricHistory(run.runId, 'm')).items).toHaveLength(2500);
    } finally {
      await harness.cleanup();
    }
  });

  it('refuses to talk without the token, as UNAUTHENTICATED', async () => {
    const harness = await serveWorkspace();
    try {
      const anonymous = createMlflowTrackingStore({ url: harness.url, retries: 0 });
      await expect(anonymous.getExperiment('0')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await harness.cleanup();
    }
  });
});
