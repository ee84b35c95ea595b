import { type CliCommandModule, type CliContext, stopOnSignal } from '@mlp/cli';
import { MlpError, type Workspace } from '@mlp/core';
import type { TaskExecutor } from '../executor/executor.js';
import { openExecutor } from '../executor/open-executor.js';
import { openQueueExecutor } from '../executor/queue/queue-executor.js';
import { defaultWorkerLeaseMs } from '../executor/queue/queue-protocol.js';
import { startRun } from '../run/start-run.js';
import { backfill } from '../schedule/backfill.js';
import { recordConfiguredPipelines } from '../schedule/configured-pipelines.js';
import { createCronSchedule } from '../schedule/cron-schedule.js';
import { findRecordedPipeline, lastScheduledTick, listScheduledPipelines } from '../schedule/scheduled-pipelines.js';
import { startOrchestrator } from '../schedule/start-orchestrator.js';
import { startWorker } from '../worker/start-worker.js';
import { runText } from './human-format.js';
import { backfillJson, runJson, scheduleJson, schedulerJson, workerJson } from './json-shapes.js';
import { parseParams } from './run-commands.js';
import { supplyStepTracking } from './supply-step-tracking.js';

type Program = Parameters<CliCommandModule['register']>[0];
type Command = ReturnType<Program['command']>;

/**
 * The queue side of `mlp`: `worker`, `scheduler`, and `pipeline backfill|schedules`. Registered by
 * the package's CLI module after its `pipeline` command, which these add to.
 */
export function registerQueueCommands(program: Program, context: CliContext): void {
  program
    .command('worker')
    .description('run queued pipeline tasks (the queue executor) until stopped with Ctrl-C or SIGTERM')
    .option('--concurrency <n>', 'tasks at once in this process', '4')
    .option(
      '--lease-ms <ms>',
      'how long a task stays leased without a heartbeat; a dead worker’s task is retried after it',
      String(defaultWorkerLeaseMs),
    )
    .option('--no-scheduler', 'do not fire schedules and event triggers or resume runs whose process died here')
    .action(async (flags: { concurrency: string; leaseMs: string; scheduler: boolean }) => {
      const concurrency = wholeNumber(flags.concurrency, '--concurrency');
      const leaseMs = wholeNumber(flags.leaseMs, '--lease-ms');
      // Listening from the start: a SIGTERM while starting up stops the worker cleanly once it has started.
      const stop = stopOnSignal();
      try {
        const workspace = await supplyStepTracking(context, await context.openWorkspace({ applicationName: 'mlp worker' }));
        const startedAt = Date.now();
        const counts = { succeeded: 0, failed: 0, cancelled: 0 };
        const worker = context.closeAfter(
          await startWorker(workspace, {
            concurrency,
            leaseMs,
            onAttempt: (event) => {
              const what = `${event.step} (run ${event.runId}, attempt ${event.key.split('#')[1]})`;
              if (event.phase === 'started') return context.display.line(`started ${what}`);
              const status = event.outcome?.status ?? 'failed';
              counts[status]++;
              context.display.line(`${status} ${what}${event.outcome?.status === 'failed' ? `: ${event.outcome.error.message}` : ''}`);
            },
            onJob: (event) =>
              context.display.line(
                `${event.phase === 'started' ? 'started' : event.error ? 'failed' : 'finished'} job ${event.label}${event.error ? `: ${event.error.message}` : ''}`,
              ),
          }),
        );
        // The runs it starts or resumes send their tasks to the queue: to this worker and the others.
        const side = flags.scheduler ? await startSchedulingHere(workspace, context, await openQueueExecutor(workspace)) : undefined;
        context.display.line(
          `mlp worker: ready (concurrency ${concurrency}, process ${process.pid})${side ? ', firing schedules and triggers, resuming runs whose process died' : ''}`,
        );
        try {
          await stop.stopped;
        } finally {
          await side?.close();
          await worker.close();
        }
        context.output(
          `Worker stopped: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.cancelled} cancelled.`,
          workerJson({ concurrency, leaseMs, counts, startedAt, stoppedAt: Date.now() }),
        );
      } finally {
        stop.dispose();
      }
    });

  program
    .command('scheduler')
    .description(
      'fire pipeline schedules and event triggers, and resume runs whose process died, until stopped; several may run at once, each tick starts one run',
    )
    .option('--executor <name>', 'where the tasks of the runs it starts run: local or queue', 'local')
    .action(async (flags: { executor: string }) => {
      const stop = stopOnSignal();
      try {
        const workspace = await supplyStepTracking(context, await context.openWorkspace({ applicationName: 'mlp scheduler' }));
        const startedAt = Date.now();
        const side = await startSchedulingHere(workspace, context, await openExecutor(workspace, flags.executor));
        context.display.line(`mlp scheduler: firing schedules and event triggers (executor ${flags.executor})`);
        try {
          await stop.stopped;
        } finally {
          await side.close();
        }
        context.output(
          `Scheduler stopped: ${side.counts.ticks} ticks and ${side.counts.events} events started runs; ${side.counts.recovered} runs resumed.`,
          schedulerJson({ ...side.counts, startedAt, stoppedAt: Date.now() }),
        );
      } finally {
        stop.dispose();
      }
    });

  const pipeline =
    program.commands.find((command) => command.name() === 'pipeline') ??
    program.command('pipeline').description('pipelines in code: runs, schedules, triggers');
  registerPipelineScheduleCommands(pipeline, context);
}

function registerPipelineScheduleCommands(pipeline: Command, context: CliContext): void {
  pipeline
    .command('trigger')
    .description(
      'start a run of a recorded pipeline as a trigger does: with --key, a key already used finds its run instead of starting another; exits 1 when the run fails',
    )
    .argument('<name>', 'a recorded pipeline')
    .option(
      '--param <key=value>',
      'a param (repeatable); values that parse as JSON are taken as JSON',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--key <key>', 'an idempotency key (an event id, a ticket): one run per key and pipeline')
    .option('--executor <name>', 'where the tasks run: local or queue', 'local')
    .action(async (name: string, flags: { param: string[]; key?: string; executor: string }) => {
      const params = parseParams(flags.param);
      const workspace = await supplyStepTracking(context, await context.openWorkspace({ applicationName: 'mlp pipeline' }));
      const { ref } = await findRecordedPipeline(workspace, name);
      const executor = context.closeAfter(await openExecutor(workspace, flags.executor));
      const handle = await startRun(workspace, ref, {
        params,
        executor,
        trigger: { kind: 'manual', ...(flags.key !== undefined && { key: flags.key }) },
      });
      if (!handle.created) context.display.line(`key '${flags.key}' already started run ${handle.runId}: following it`);
      const summary = await handle.done;
      if (summary.status !== 'succeeded') context.setExitCode(1);
      context.output(runText(summary), runJson(summary));
    });

  pipeline
    .command('schedules')
    .description('the recorded pipelines that have a schedule, with their next and last ticks')
    .action(async () => {
      const workspace = await context.openWorkspace();
      const now = Date.now();
      const rows = await Promise.all(
        (await listScheduledPipelines(workspace)).map(async ({ ref, schedule }) => {
          const lastTick = await lastScheduledTick(workspace, ref.name);
          try {
            const cron = createCronSchedule(ref.name, schedule);
            return { pipeline: ref.name, schedule, cron, nextTick: cron.next(now), lastTick, error: undefined };
          } catch (error) {
            return { pipeline: ref.name, schedule, cron: undefined, nextTick: undefined, lastTick, error: (error as Error).message };
          }
        }),
      );
      const human =
        rows.length === 0
          ? 'No scheduled pipelines. Give a pipeline `schedule: { cron }` and run it once to record it.'
          : {
              columns: ['PIPELINE', 'CRON', 'TIME ZONE', 'CATCH-UP', 'NEXT TICK', 'LAST TICK'],
              rows: rows.map((row) => [
                row.pipeline,
                row.schedule.cron,
                row.cron?.timezone ?? row.schedule.timezone ?? 'UTC',
                row.cron?.catchup ?? row.schedule.catchup ?? 'skip',
                row.error ? `error: ${row.error}` : isoOrDash(row.nextTick),
                isoOrDash(row.lastTick),
              ]),
            };
      context.output(human, rows.map(scheduleJson));
    });

  pipeline
    .command('backfill')
    .description("one run per tick of a pipeline's schedule between two times (ticks that already ran are not run again)")
    .argument('<name>', 'a recorded pipeline with a schedule')
    .requiredOption('--from <time>', 'the first time, included: an ISO date or time (2026-01-01, 2026-01-01T06:00Z) or epoch ms')
    .requiredOption('--to <time>', 'the last time, included')
    .option('--concurrency <n>', 'runs at once', '1')
    .option('--executor <name>', 'where the tasks run: local or queue', 'local')
    .action(async (name: string, flags: { from: string; to: string; concurrency: string; executor: string }) => {
      const from = parseTime(flags.from, '--from');
      const to = parseTime(flags.to, '--to');
      const concurrency = wholeNumber(flags.concurrency, '--concurrency');
      const workspace = await supplyStepTracking(context, await context.openWorkspace());
      const { ref, schedule } = await findRecordedPipeline(workspace, name);
      const executor = context.closeAfter(await openExecutor(workspace, flags.executor));
      const runs = await backfill(
        workspace,
        { ...ref, ...(schedule && { schedule }) },
        {
          from,
          to,
          concurrency,
          executor,
          onProgress: (tick) => {
            const when = new Date(tick.tick).toISOString();
            if (!tick.created) context.display.line(`${when}: already ran (run ${tick.runId})`);
            else context.display.line(tick.status ? `${when}: ${tick.status} (run ${tick.runId})` : `${when}: started run ${tick.runId}`);
          },
        },
      );
      const failed = runs.filter((run) => run.status !== 'succeeded').length;
      if (failed > 0) context.setExitCode(1);
      context.output(
        `Backfilled ${name}: ${runs.length} ticks, ${runs.filter((run) => run.created).length} new runs, ${failed} not succeeded.`,
        backfillJson({ pipeline: name, from, to, runs }),
      );
    });
}

/** Schedules, event triggers and recovery run from this process, with counts for the final report. */
async function startSchedulingHere(workspace: Workspace, context: CliContext, executor: TaskExecutor) {
  const recorded = await recordConfiguredPipelines(workspace).catch(async (error: unknown) => {
    await executor.close();
    throw error;
  });
  if (recorded.length) context.display.line(`recorded from mlp.config.json: ${recorded.join(', ')}`);
  const orchestrator = startOrchestrator(workspace, {
    executor,
    onTick: (tick) => {
      if (tick.created) context.display.line(`${tick.pipeline}: tick ${new Date(tick.tick).toISOString()} started run ${tick.runId}`);
    },
    onEvent: (fired) => {
      if (fired.created) context.display.line(`${fired.pipeline}: event ${fired.eventId} started run ${fired.runId}`);
    },
    onRecovered: (runId) => context.display.line(`resumed run ${runId}: the process driving it was gone`),
  });
  return {
    counts: orchestrator.counts,
    async close() {
      await orchestrator.close();
      await executor.close();
    },
  };
}

function wholeNumber(text: string, flag: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new MlpError('INVALID_ARGUMENT', `${flag} must be a whole number of at least 1, not '${text}'.`);
  return Number(text);
}

function parseTime(text: string, flag: string): number {
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${flag} '${text}' is not a time; give an ISO date or time (2026-01-01, 2026-01-01T06:00:00Z) or epoch milliseconds.`,
    );
  return time;
}

const isoOrDash = (time: number | undefined) => (time === undefined ? '-' : new Date(time).toISOString());
