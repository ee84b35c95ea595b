#!/usr/bin/env node
// Orchestrate benchmark: the engine's overhead per task, in-process, for a 1,000-task chain, a
// 1,000-wide fan-out of sibling steps and a 1,000-item map, on the embedded store and on PostgreSQL.
// Peer in the same run: a bare loop calling the same step functions. Overhead per task =
// (run time − bare loop time) / tasks; target < 5 ms (Airflow: about 2.4 s between tasks).
// Every task is durable: its start, output and end are committed (with their events) before the next decision.
import { definePipeline, startRun } from '@mlp/orchestrate';
import { onBothBackends } from './lib/on-both-backends.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const round = (value) => Math.round(value * 1000) / 1000;

function chain(n) {
  let pipeline = definePipeline('bench-chain', { concurrency: 1 }).step('s0', {}, () => 0);
  for (let i = 1; i < n; i++) pipeline = pipeline.step(`s${i}`, { needs: [`s${i - 1}`] }, (_ctx, inputs) => inputs[`s${i - 1}`] + 1);
  return pipeline;
}

function fanOut(n) {
  let pipeline = definePipeline('bench-fan-out').step('root', {}, () => 1);
  for (let i = 1; i < n; i++) pipeline = pipeline.step(`leaf${i}`, { needs: ['root'] }, (_ctx, { root }) => root + i);
  return pipeline;
}

function mapped(n) {
  return definePipeline('bench-map')
    .step('items', {}, () => Array.from({ length: n - 2 }, (_, i) => i))
    .map('each', { over: 'items' }, (_ctx, item) => item + 1)
    .step('total', { needs: ['each'] }, (_ctx, { each }) => each.length);
}

/** The same step functions called in a plain loop, each with the outputs it needs: the floor. */
async function bareLoop(pipeline) {
  const outputs = {};
  const started = performance.now();
  for (const step of pipeline.steps) {
    const inputs = Object.fromEntries(step.needs.map((need) => [need, outputs[need]]));
    if (step.kind === 'map') {
      const results = [];
      for (const item of outputs[step.over]) results.push(await step.run({ attempt: 1 }, inputs, item));
      outputs[step.name] = results;
    } else outputs[step.name] = await step.run({ attempt: 1 }, inputs);
  }
  return performance.now() - started;
}

async function measure(label, workspace) {
  const shapes = { chain: chain(TASKS), fan_out: fanOut(TASKS), map: mapped(TASKS) };
  // Warm up: the tables, the pool, the query plans.
  await (await startRun(workspace, chain(20))).done;
  const results = {};
  for (const [shape, pipeline] of Object.entries(shapes)) {
    const bareMs = await bareLoop(pipeline);
    const started = performance.now();
    const summary = await (await startRun(workspace, pipeline)).done;
    const runMs = performance.now() - started;
    if (summary.status !== 'succeeded') throw new Error(`${shape} run ${summary.runId} ended ${summary.status}`);
    const tasks = summary.tasks.filter((task) => !(task.name === 'each' && task.mapIndex === undefined)).length;
    const overhead = (runMs - bareMs) / tasks;
    results[shape] = {
      tasks,
      runMs: round(runMs),
      bareLoopMs: round(bareMs),
      overheadPerTaskMs: round(overhead),
      runOverBareLoop: round(runMs / Math.max(bareMs, 0.001)),
      pass: overhead < 5,
    };
  }
  return { backend: label, ...results };
}

const results = await onBothBackends('orchestrate', measure);
console.log(
  JSON.stringify(
    {
      benchmark: 'orchestrate-overhead',
      targets: { overheadPerTaskMs: 5 },
      peers: { airflowBetweenTasksMs: 2400, temporalBetweenTasksMs: 74 },
      results,
    },
    null,
    2,
  ),
);
