import { openTestWorkspace, type TestEngine } from '@mlp/core/testing';
import { describeExecutorContract } from '../../testing/executor-contract.js';
import { createLocalExecutor } from './local-executor.js';

for (const engine of ['embedded', 'postgres'] satisfies TestEngine[]) {
  describeExecutorContract(`local, in-process (${engine})`, async () => {
    const { workspace, cleanup } = await openTestWorkspace(engine, 'mlp-orchestrate-local-');
    return { workspace, executor: createLocalExecutor(workspace), cleanup };
  });
}
