import path from 'node:path';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orchestrateMigrations } from '../index.js';
import { loadPipeline } from '../load/load-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import type { RunHandle, RunSummary, RunTrigger } from '../run/run-types.js';
import { recordPipeline } from '../store/run-store.js';
import { startEventTriggers, type TriggeredPipeline } from './event-triggers.js';

const ref = (name: string): PipelineRef => ({ name, modulePath: `${name}.ts`, sourceHash: 'h' });
const listening: TriggeredPipeline[] = [
  { ref: ref('retrain'), triggers: [{ on: 'dataset.version', dataset: 'flights-raw' }] },
  {
    ref: ref('deploy'),
    triggers: [
      { on: 'registry.alias', model: 'delay', alias: 'champion' },
      { on: 'event', type: 'monitor.alert' },
    ],
  },
];

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-triggers-');
  await test.workspace.migrate(orchestrateMigrations);
});
afterAll(() => test?.cleanup());

function recorder() {
  const started: { pipeline: string; trigger: RunTrigger }[] = [];
  const start = async (pipeline: PipelineRef, trigger: RunTrigger): Promise<RunHandle> => {
    started.push({ pipeline: pipeline.name, trigger });
    return { runId: `r${started.length}`, created: true, done: Promise.resolve({} as RunSummary) };
  };
  return { started, start };
}

async function untilAsync(check: () => Promise<boolean>) {
  for (let i = 0; i < 1500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}
const until = (check: () => boolean) => untilAsync(async () => check());

describe('startEventTriggers on the durable event bus', () => {
  it('starts the pipelines an event matches, keyed by the event id, and resumes from its stored cursor', async () => {
    const { events } = test.workspace;
    const first = recorder();
    const consumer = 'orchestrate.triggers.test';
    let triggers = startEventTriggers(test.workspace, {
      consumer,
      pipelines: async () => listening,
      start: first.start,
      pollIntervalMs: 50,
    });
    // The consumer starts after the events that exist when it first subscribes: publish once it is up.
    await untilAsync(
      async () => (await test.workspace.db.query('select 1 from mlp_event_consumers where consumer = $1', [consumer])).length > 0,
    );
    const version = await events.publish('dataset_version.created', { dataset: 'flights-raw', version: 1 });
    await events.publish('dataset_version.created', { dataset: 'unrelated', version: 1 });
    const alias = await events.publish('model_version.alias_set', { name: 'delay', version: 4, alias: 'champion' });
    await until(() => first.started.length >= 2);
    await triggers.close();
    expect(first.started).toEqual([
      { pipeline: 'retrain', trigger: { kind: 'event', key: `event:${version.id}` } },
      { pipeline: 'deploy', trigger: { kind: 'event', key: `event:${alias.id}` } },
    ]);

    // Published while no consumer runs: delivered on restart, and nothing before it again.
    const alert = await events.publish('monitor.alert', { rule: 'drift' });
    const second = recorder();
    triggers = startEventTriggers(test.workspace, { consumer, pipelines: async () => listening, start: second.start, pollIntervalMs: 50 });
    await until(() => second.started.length >= 1);
    await triggers.close();
    expect(second.started).toEqual([{ pipeline: 'deploy', trigger: { kind: 'event', key: `event:${alert.id}` } }]);
  });

  it('starts one real run for an event that two consumers both deliver, keyed by the event id', async () => {
    const { workspace } = test;
    const { pipeline, ref } = await loadPipeline(
      path.join(import.meta.dirname, 'test-support', 'on-raw-data-pipeline.ts'),
      workspace.config.dir,
    );
    await recordPipeline(workspace, pipeline, ref);
    const fired: { consumer: string; runId: string; created: boolean }[] = [];
    const consumers = ['orchestrate.triggers.a', 'orchestrate.triggers.b'];
    const triggers = consumers.map((consumer) =>
      startEventTriggers(workspace, { consumer, pollIntervalMs: 50, onRun: (run) => fired.push({ consumer, ...run }) }),
    );
    for (const consumer of consumers)
      await untilAsync(
        async () => (await workspace.db.query('select 1 from mlp_event_consumers where consumer = $1', [consumer])).length > 0,
      );
    const event = await workspace.events.publish('dataset_version.created', { dataset: 'flights-raw', version: 2 });
    await until(() => fired.length >= 2);
    await Promise.all(triggers.map((t) => t.close())); // waits for the run it started to end
    const runs = await workspace.db.query<{ run_id: string; trigger_kind: string; status: string }>(
      `select run_id, trigger_kind, status from orchestrate_runs where pipeline_name = 'on-raw-data' and trigger_key = $1`,
      [`event:${event.id}`],
    );
    expect(runs).toEqual([{ run_id: fired[0]!.runId, trigger_kind: 'event', status: 'succeeded' }]);
    expect(fired.map((f) => f.runId)).toEqual([runs[0]!.run_id, runs[0]!.run_id]);
    expect(fired.filter((f) => f.created)).toHaveLength(1);
  }, 60_000);
});
