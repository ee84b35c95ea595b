import path from 'node:path';
import type { Workspace } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPipelines } from '../store/run-summary.js';
import { recordConfiguredPipelines } from './configured-pipelines.js';

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-configured-');
});
afterAll(() => test?.cleanup());

/** The test workspace as if its mlp.config.json named `pipelines`. */
const configured = (pipelines: string[]): Workspace => ({ ...test.workspace, config: { ...test.workspace.config, pipelines } });

describe('pipelines named in mlp.config.json', () => {
  it('are recorded with their schedule, as a first run would record them', async () => {
    const file = path.relative(test.workspace.config.dir, path.resolve(import.meta.dirname, 'test-support/every-second-pipeline.ts'));
    expect(await recordConfiguredPipelines(configured([file]))).toEqual(['every-second']);
    const [recorded] = await listPipelines(test.workspace);
    // Outside the workspace folder, the module is recorded by its absolute path.
    expect(recorded).toMatchObject({
      name: 'every-second',
      modulePath: path.resolve(test.workspace.config.dir, file),
      schedule: { cron: '* * * * * *' },
      lastRun: undefined,
    });
  });

  it('refuse a module that is not there, naming the key and the file', async () => {
    await expect(recordConfiguredPipelines(configured(['pipelines/missing.ts']))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`mlp.config.json "pipelines": 'pipelines/missing.ts': no pipeline module at`),
    });
  });
});
