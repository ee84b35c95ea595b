import { openWorkspace } from '../workspace/open-workspace.js';
import type { Workspace } from '../workspace/workspace.js';
import { createTempDir } from './temp-dir.js';
import { createTestDatabase } from './test-database.js';

/** The two database engines every SQL backend is tested on. */
export type TestEngine = 'embedded' | 'postgres';

export interface TestWorkspace {
  workspace: Workspace;
  /** Closes the workspace, then drops its test database and removes its folder. */
  cleanup(): Promise<void>;
}

/**
 * A workspace in a fresh folder, on the embedded engine or on a fresh database of the test
 * PostgreSQL server (`MLP_TEST_POSTGRES_URL`), for suites that run once per engine.
 */
export async function openTestWorkspace(engine: TestEngine, prefix = 'mlp-test-'): Promise<TestWorkspace> {
  const dir = await createTempDir(prefix);
  const database = engine === 'postgres' ? await createTestDatabase() : undefined;
  const workspace = await openWorkspace({
    dir: dir.path,
    logLevel: 'warn',
    ...(database ? { database: { url: database.url } } : {}),
  });
  return {
    workspace,
    async cleanup() {
      await workspace.close();
      await database?.drop();
      await dir.remove();
    },
  };
}
