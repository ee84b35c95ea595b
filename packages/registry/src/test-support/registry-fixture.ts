import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { createTracking, type Tracking } from '@mlp/tracking';
import { openRegistry, type Registry, type RegistryOptions } from '../open-registry.js';

/** A workspace (embedded or on a PostgreSQL test database), tracking and a registry on it; for integration tests. */
export interface RegistryFixture {
  workspace: Workspace;
  tracking: Tracking;
  registry: Registry;
  dir: string;
  /** A finished run with a model artifact under `model/` (unless `model: false`), metrics and tags. */
  trainedRun(options?: {
    metrics?: Record<string, number>;
    tags?: Record<string, string>;
    signature?: Record<string, unknown>;
    model?: boolean;
    parent?: string;
    files?: Record<string, string>;
  }): Promise<string>;
  cleanup(): Promise<void>;
}

export type Backend = 'embedded' | 'postgres';

export async function openRegistryFixture(backend: Backend, options: RegistryOptions = {}): Promise<RegistryFixture> {
  const temp = await createTempDir('mlp-registry-');
  const database = backend === 'postgres' ? await createTestDatabase() : undefined;
  const workspace = await openWorkspace({ dir: temp.path, logLevel: 'error', ...(database ? { database: { url: database.url } } : {}) });
  const tracking = createTracking(workspace, { captureProvenance: false });
  const registry = await openRegistry(workspace, { tracking, actor: 'tester', ...options });
  return {
    workspace,
    tracking,
    registry,
    dir: temp.path,
    async trainedRun(runOptions = {}) {
      const run = await tracking.startRun({
        experiment: 'registry-tests',
        tags: runOptions.tags ?? {},
        ...(runOptions.parent ? { parent: runOptions.parent } : {}),
      });
      if (runOptions.metrics) await run.logMetrics(runOptions.metrics);
      if (runOptions.model !== false) {
        const files = runOptions.files ?? { 'model.onnx': `weights-${run.runId}`, 'config/params.json': '{"layers":2}' };
        for (const [file, content] of Object.entries(files))
          await run.logArtifact(new TextEncoder().encode(content), { path: `model/${file}` });
        if (runOptions.signature) {
          await run.logArtifact(new TextEncoder().encode(JSON.stringify(runOptions.signature)), { path: 'model/signature.json' });
        }
      }
      await run.end();
      return run.runId;
    },
    async cleanup() {
      await registry.close();
      await tracking.close();
      await workspace.close();
      await database?.drop();
      await temp.remove();
    },
  };
}
