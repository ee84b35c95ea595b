import { openWorkspace, type WorkspaceOptions } from '@mlp/core';
import { openExecutor } from '../executor/open-executor.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import { startRun } from '../run/start-run.js';

// The entry of `mlp pipeline run --detach`: a detached process that starts the run, reports its id
// to the CLI (which then exits), and drives the run to its end.
export interface DetachedRunRequest {
  workspace: WorkspaceOptions;
  ref: PipelineRef;
  params: unknown;
  executor: string;
}

const send = process.send?.bind(process);
if (!send) throw new Error('detached-run-entry is started by `mlp pipeline run --detach`, not on its own.');

process.once('message', async (message) => {
  const request = message as DetachedRunRequest;
  const workspace = await openWorkspace(request.workspace);
  try {
    const executor = await openExecutor(workspace, request.executor);
    const handle = await startRun(workspace, request.ref, { params: request.params, executor });
    send({ runId: handle.runId });
    process.disconnect();
    await handle.done;
    await executor.close();
  } catch (error) {
    const { code = 'INTERNAL', message: text = String(error) } = error as { code?: string; message?: string };
    if (process.connected) send({ error: { code, message: text } });
  } finally {
    await workspace.close();
  }
});
