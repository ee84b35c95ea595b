import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Workspace } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskExecutor } from '../executor/executor.js';
import { cancelRun } from '../run/cancel-run.js';
import { startRun } from '../run/start-run.js';
import { loadRunSummary } from '../store/run-summary.js';

export interface ExecutorHarness {
  workspace: Workspace;
  executor: TaskExecutor;
  cleanup?: () => Promise<void>;
}

/** The module of the pipeline the suite runs (its steps are in `contract-pipeline`). */
export function executorContractPipelinePath(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  const candidates = fromSources ? ['./contract-pipeline.ts'] : ['./contract-pipeline.js', './testing/contract-pipeline.js'];
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('the executor contract pipeline is missing beside the suite; the package build must emit contract-pipeline.js.');
}

/**
 * What every TaskExecutor must do, run through whole pipeline runs: outputs reach downstream steps
 * (map fan-out, large outputs), failures are recorded with their stack and retried, a timeout ends an
 * attempt, cancel stops a running one, logs are stored, and no attempt is left running.
 */
export function describeExecutorContract(name: string, open: () => Promise<ExecutorHarness>): void {
  describe(`TaskExecutor contract: ${name}`, () => {
    let harness: ExecutorHarness;
    const modulePath = executorContractPipelinePath();
    const ref = { name: 'executor-contract', modulePath, sourceHash: '' };
    beforeAll(async () => {
      harness = await open();
    });
    afterAll(async () => {
      await harness?.executor.close();
      await harness?.cleanup?.();
    });

    const run = async (scenario: string, signal?: AbortSignal) =>
      startRun(harness.workspace, ref, { params: { scenario }, executor: harness.executor, ...(signal ? { signal } : {}) });

    const runningAttempts = async (runId: string) =>
      harness.workspace.db.query(`select task_id from orchestrate_attempts where run_id = $1 and status = 'running'`, [runId]);

    it('runs a pipeline to success: map fan-out, large outputs and retries, with outputs reaching downstream steps', async () => {
      const summary = await (await run('ok')).done;
      expect(summary.status).toBe('succeeded');
      expect(summary.tasks.filter((t) => t.name === 'double' && t.mapIndex !== undefined)).toHaveLength(5);
      expect(summary.tasks.find((t) => t.name === 'flaky')).toMatchObject({ status: 'succeeded', attempts: 2 });
      const report = await harness.workspace.db.query<{ value: unknown }>(
        `select o.value from orchestrate_outputs o join orchestrate_tasks t using (task_id) where t.run_id = $1 and t.step = 'report'`,
        [summary.runId],
      );
      expect(report[0]?.value).toEqual({ sum: 30, big: 300 * 1024, flaky: 2 });
      const logs = await harness.workspace.db.query<{ message: string }>(`select message from orchestrate_logs where run_id = $1`, [
        summary.runId,
      ]);
      expect(logs.map((l) => l.message)).toEqual(expect.arrayContaining(['scenario ok', 'doubling item 4', 'flaky attempt 1']));
      expect(await runningAttempts(summary.runId)).toHaveLength(0);
    });

    it('records a failing step with its message and stack, and fails the run', async () => {
      const summary = await (await run('fail')).done;
      expect(summary.status).toBe('failed');
      const fails = summary.tasks.find((t) => t.name === 'fails')!;
      expect(fails).toMatchObject({ status: 'failed', attempts: 1, error: { message: 'contract failure' } });
      expect(fails.error?.stack).toContain('contract failure');
      expect(await runningAttempts(summary.runId)).toHaveLength(0);
    });

    it('ends an attempt that overruns its timeout as failed', async () => {
      const summary = await (await run('timeout')).done;
      expect(summary.tasks.find((t) => t.name === 'slow')).toMatchObject({
        status: 'failed',
        error: { message: 'timed out after 20000 ms' },
      });
      expect(await runningAttempts(summary.runId)).toHaveLength(0);
    });

    it('stops a running attempt when its run is cancelled', async () => {
      const handle = await run('wait');
      for (;;) {
        const summary = await loadRunSummary(harness.workspace, handle.runId);
        if (summary.tasks.find((t) => t.name === 'wait')?.status === 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await cancelRun(harness.workspace, handle.runId);
      const summary = await handle.done;
      expect(summary.status).toBe('cancelled');
      expect(summary.tasks.find((t) => t.name === 'wait')?.status).toBe('cancelled');
      expect(await runningAttempts(summary.runId)).toHaveLength(0);
    });
  });
}
