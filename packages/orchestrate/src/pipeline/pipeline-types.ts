import type { Logger, StepTrackingRun, Workspace } from '@mlp/core';
import type { z } from 'zod';

/** Airflow's trigger rules: when a step runs, given the final states of the steps it needs. */
export const triggerRules = [
  'all_success',
  'all_done',
  'one_failed',
  'one_success',
  'none_failed',
  'none_failed_min_one_success',
  'always',
] as const;
export type TriggerRule = (typeof triggerRules)[number];

/** A cron schedule; `catchup` says what to do with ticks missed while no scheduler ran. */
export interface PipelineSchedule {
  cron: string;
  timezone?: string;
  catchup?: 'skip' | 'once' | 'all';
}

/** What starts a pipeline besides its schedule and a person. */
export type PipelineTrigger =
  | { on: 'dataset.version'; dataset: string }
  | { on: 'registry.alias'; model: string; alias?: string }
  | { on: 'event'; type: string }
  | { on: 'http' };

/** Where a step runs under the local executor: in the engine's process, or in a child process of its own. */
export type StepProcess = 'in-process' | 'child';

/** What a step's function gets besides its inputs. */
export interface StepContext<Params> {
  readonly workspace: Workspace;
  readonly params: Params;
  /** Logs to the task's stored log (and to the workspace logger at debug). */
  readonly logger: Logger;
  /** Aborted on cancel and on timeout: pass it to long work. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly runId: string;
  readonly step: string;
  /** The item's position, in a map step. */
  readonly mapIndex: number | undefined;
  /**
   * The attempt's tracking run, in a step that asks for one (`tracking: true`): in the experiment named
   * after the pipeline, tagged with the run, task and attempt, ended with the task's outcome.
   */
  readonly run: StepTrackingRun | undefined;
}

/** The context of a step: with `tracking: true`, `run` is always there. */
export type TrackedStepContext<Params, Tracked extends boolean> = Tracked extends true
  ? StepContext<Params> & { readonly run: StepTrackingRun }
  : StepContext<Params>;

export interface RetryBackoff {
  /** The ceiling of the first retry's wait (full jitter below it); doubles each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Options every step takes. */
export interface StepOptionsBase<Rule extends TriggerRule> {
  /** Retries after the first attempt (0: none). */
  retries?: number;
  backoff?: RetryBackoff;
  /** An attempt is aborted past this, and its child process killed shortly after. */
  timeoutMs?: number;
  /** Reuse an earlier output when inputs, params and the step's source are the same; `ttlMs` bounds its age. */
  cache?: boolean | { ttlMs: number };
  /** Tasks of one pool share the pool's concurrency limit (the pipeline's `pools`). */
  pool?: string;
  triggerRule?: Rule;
  process?: StepProcess;
  /**
   * Give the step a tracking run (`ctx.run`), started by the workspace's `stepTracking` provider
   * (`@mlp/tracking`; `mlp pipeline run` and `mlp worker` supply it).
   */
  tracking?: boolean;
}

export interface StepOptions<Needs extends readonly string[], Rule extends TriggerRule> extends StepOptionsBase<Rule> {
  /** The steps whose outputs this step reads; it runs after them. */
  needs?: Needs;
}

export interface MapOptions<Over extends string, Needs extends readonly string[], Rule extends TriggerRule>
  extends StepOptions<Needs, Rule> {
  /** The upstream step whose output (an array) this step maps over: one task per item. */
  over: Over;
  /** At most this many items at once. */
  concurrency?: number;
}

/** A step as the engine sees it, after the builder: untyped, validated. */
export interface StepDefinition {
  readonly name: string;
  readonly kind: 'step' | 'map';
  /** Every step this one waits for (for a map step, `over` first). */
  readonly needs: readonly string[];
  readonly over: string | undefined;
  readonly concurrency: number | undefined;
  readonly retries: number;
  readonly backoff: RetryBackoff;
  readonly timeoutMs: number | undefined;
  /** Cache lifetime in ms (Infinity: no expiry), or undefined when the step is not cached. */
  readonly cacheTtlMs: number | undefined;
  readonly pool: string | undefined;
  readonly triggerRule: TriggerRule;
  readonly process: StepProcess;
  /** Whether each attempt gets a tracking run (`ctx.run`). */
  readonly tracking: boolean;
  /** The function's source text: part of the cache key, so an edited step misses the cache. */
  readonly source: string;
  /** Runs one task: `item` is set for a map step. */
  readonly run: (context: StepContext<unknown>, inputs: Record<string, unknown>, item?: unknown) => unknown;
}

/** Pipeline-wide options given to `definePipeline`. */
export interface PipelineOptions<Params extends z.ZodType> {
  /** The params schema; `z.object({})` when omitted. */
  params?: Params;
  schedule?: PipelineSchedule;
  triggers?: PipelineTrigger[];
  /** At most this many tasks of one run at once (default: the number of cores). */
  concurrency?: number;
  /** Named pools and their concurrency limits, shared by the tasks of every run in this engine. */
  pools?: Record<string, number>;
  description?: string;
}

/** A pointer to a pipeline's code: what an executor in another process loads. */
export interface PipelineRef {
  name: string;
  /** The module whose default export is the pipeline: relative to the workspace folder when inside it, else absolute. */
  modulePath: string;
  /** sha256 of the module's source text, checked when a task loads it. */
  sourceHash: string;
}
