import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workspace } from '@mlp/core';
import { openTestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../run/start-run.js';

const modulePath = fileURLToPath(new URL('../../test-support/child-pipeline.ts', import.meta.url));
const ref = { name: 'in-children', modulePath, sourceHash: '' };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("local executor: steps with process: 'child'", () => {
  let workspace: Workspace;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ workspace, cleanup } = await openTestWorkspace('embedded', 'mlp-orchestrate-child-'));
  });
  afterAll(async () => cleanup?.());

  it('runs each attempt in a child process of its own, with inputs and outputs through the store', async () => {
    const pidFile = path.join(workspace.config.dir, 'spin.pid');
    const summary = await (await startRun(workspace, ref, { params: { pidFile } })).done;
    expect(summary.status).toBe('succeeded');
    const rows = await workspace.db.query<{ value: { parent: number; mine: number } }>(
      `select o.value from orchestrate_outputs o join orchestrate_tasks t using (task_id) where t.run_id = $1 and t.step = 'double'`,
      [summary.runId],
    );
    const { parent, mine } = rows[0]!.value;
    expect(new Set([parent, mine, process.pid]).size).toBe(3);
  });

  it('kills a child that overruns its timeout and ignores its signal', async () => {
    const pidFile = path.join(workspace.config.dir, 'spin-2.pid');
    const summary = await (await startRun(workspace, ref, { params: { pidFile, spin: true } })).done;
    expect(summary.status).toBe('failed');
    expect(summary.tasks.find((t) => t.name === 'spin')).toMatchObject({
      status: 'failed',
      error: { message: 'timed out after 30000 ms' },
    });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(false);
  });
});
