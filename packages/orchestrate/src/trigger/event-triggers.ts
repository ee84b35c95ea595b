import { MlpError, type MlpEvent, toMlpError, type Workspace } from '@mlp/core';
import { isNotNull } from 'drizzle-orm';
import type { TaskExecutor } from '../executor/executor.js';
import type { PipelineRef, PipelineTrigger } from '../pipeline/pipeline-types.js';
import type { RunHandle, RunTrigger } from '../run/run-types.js';
import { startRun } from '../run/start-run.js';
import { pipelines } from '../store/schema.js';
import { eventTriggerKey, eventTypeOf, matchesTrigger } from './match-trigger.js';

/** An empty hash: a scheduled or triggered run runs the module as it is now (and records its new hash). */
const currentSource = '';

/** A recorded pipeline with event triggers. */
export interface TriggeredPipeline {
  ref: PipelineRef;
  triggers: PipelineTrigger[];
}

export interface EventTriggersOptions {
  /** The durable consumer whose stored cursor survives restarts (default `orchestrate.triggers`). */
  consumer?: string;
  executor?: TaskExecutor;
  /** Which pipelines listen; by default those recorded in the workspace with triggers, re-read per event. */
  pipelines?: () => Promise<TriggeredPipeline[]>;
  /** Starts one event's run; by default `startRun` with the event's idempotency key. */
  start?: (ref: PipelineRef, trigger: RunTrigger) => Promise<RunHandle>;
  pollIntervalMs?: number;
  onRun?: (fired: { pipeline: string; eventId: string; runId: string; created: boolean }) => void;
}

export interface EventTriggers {
  /** Stops consuming events and waits for the runs it started to end. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Recorded pipelines that have event triggers. */
export async function listTriggeredPipelines(workspace: Workspace): Promise<TriggeredPipeline[]> {
  const rows = await workspace.db.drizzle
    .select({ name: pipelines.name, modulePath: pipelines.modulePath, triggers: pipelines.triggers })
    .from(pipelines)
    .where(isNotNull(pipelines.triggers));
  return rows
    .map((row) => ({
      ref: { name: row.name, modulePath: row.modulePath, sourceHash: currentSource },
      triggers: (row.triggers as PipelineTrigger[]).filter((t) => eventTypeOf(t) !== undefined),
    }))
    .filter((p) => p.triggers.length > 0);
}

/**
 * Starts a run of each pipeline whose trigger an event matches, from the workspace's durable events:
 * the consumer's cursor moves only once the runs exist, and each run is keyed `event:<id>`, so an
 * event delivered twice (a crash before the cursor moved, a second process) starts one run.
 */
export function startEventTriggers(workspace: Workspace, options: EventTriggersOptions = {}): EventTriggers {
  const listPipelines = options.pipelines ?? (() => listTriggeredPipelines(workspace));
  const start =
    options.start ??
    ((ref: PipelineRef, trigger: RunTrigger) =>
      startRun(workspace, ref, options.executor ? { trigger, executor: options.executor } : { trigger }));
  const running = new Set<Promise<unknown>>();

  const handle = async (event: MlpEvent) => {
    for (const { ref, triggers } of await listPipelines()) {
      if (!triggers.some((trigger) => matchesTrigger(trigger, event))) continue;
      let run: RunHandle;
      try {
        run = await start(ref, { kind: 'event', key: eventTriggerKey(event) });
      } catch (error) {
        const failure = toMlpError(error);
        if (failure.code === 'UNAVAILABLE') throw failure; // the database is away: the event comes again
        // A pipeline that cannot start (its module gone, its params refused) must not hold up the others.
        workspace.logger.error(`pipeline '${ref.name}' was not started by event ${event.id} (${event.type}): ${failure.message}`);
        continue;
      }
      options.onRun?.({ pipeline: ref.name, eventId: event.id, runId: run.runId, created: run.created });
      // Another process drives a run this one did not create: only its own are awaited on close.
      if (run.created) track(run.done);
    }
  };

  const track = (done: Promise<unknown>) => {
    const settled = done.then(
      () => undefined,
      (error: unknown) => workspace.logger.error(`an event-triggered run failed to complete: ${toMlpError(error).message}`),
    );
    running.add(settled);
    void settled.finally(() => running.delete(settled));
  };

  const consumer = options.consumer ?? 'orchestrate.triggers';
  if (consumer.length === 0) throw new MlpError('INVALID_ARGUMENT', 'the event triggers need a consumer name.');
  const subscription = workspace.events.subscribe(
    {
      consumer,
      types: '*',
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      onError: (error, event) => workspace.logger.warn(`event ${event.id} (${event.type}): ${toMlpError(error).message}; retrying.`),
    },
    handle,
  );
  const close = async () => {
    await subscription.close();
    await Promise.all(running);
  };
  return { close, [Symbol.asyncDispose]: close };
}
