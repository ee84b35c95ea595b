import { MlpError } from '@mlp/core';
import { z } from 'zod';
import type {
  MapOptions,
  PipelineOptions,
  PipelineSchedule,
  PipelineTrigger,
  RetryBackoff,
  StepDefinition,
  StepOptions,
  StepOptionsBase,
  TrackedStepContext,
  TriggerRule,
} from './pipeline-types.js';
import { triggerRules } from './pipeline-types.js';
import { validatePipelineGraph } from './validate-graph.js';

const PIPELINE_MARKER = Symbol.for('mlp.orchestrate.pipeline');
const DEFAULT_BACKOFF: RetryBackoff = { baseDelayMs: 1_000, maxDelayMs: 60_000 };
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The names of the outputs that are arrays: what a map step may map over. */
export type ArrayOutputNames<Outputs> = {
  [K in keyof Outputs]: Outputs[K] extends readonly unknown[] ? K : never;
}[keyof Outputs] &
  string;

/** The inputs a step receives: an upstream that did not succeed (allowed by a trigger rule) gives undefined. */
export type StepInputs<Outputs, Needs extends readonly string[], Rule extends TriggerRule> = Rule extends 'all_success'
  ? { [K in Needs[number]]: K extends keyof Outputs ? Outputs[K] : never }
  : { [K in Needs[number]]: (K extends keyof Outputs ? Outputs[K] : never) | undefined };

type ItemOf<List> = List extends readonly (infer Item)[] ? Item : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A pipeline as the engine sees it, whatever its types: what runs, loaders and executors take. */
export interface PipelineDefinition {
  readonly name: string;
  readonly params: z.ZodType;
  readonly schedule: PipelineSchedule | undefined;
  readonly triggers: readonly PipelineTrigger[] | undefined;
  readonly description: string | undefined;
  readonly concurrency: number | undefined;
  readonly pools: Readonly<Record<string, number>>;
  readonly steps: readonly StepDefinition[];
  parseParams(input: unknown): unknown;
  validate(): void;
}

/**
 * A pipeline: typed params and steps. Each `step`/`map` call returns a new pipeline whose outputs
 * include the new step's, so a later step's `needs` and inputs are checked and inferred.
 */
export interface Pipeline<Params extends z.ZodType = z.ZodType, Outputs extends Record<string, unknown> = Record<string, unknown>>
  extends PipelineDefinition {
  readonly name: string;
  readonly params: Params;
  readonly schedule: PipelineSchedule | undefined;
  readonly triggers: readonly PipelineTrigger[] | undefined;
  readonly description: string | undefined;
  /** At most this many tasks of one run at once. */
  readonly concurrency: number | undefined;
  readonly pools: Readonly<Record<string, number>>;
  /** The steps in definition order. */
  readonly steps: readonly StepDefinition[];
  /** Phantom: the step outputs by name (types only). */
  readonly outputs?: Outputs;

  step<
    const Name extends string,
    Result,
    const Needs extends readonly (keyof Outputs & string)[] = [],
    Rule extends TriggerRule = 'all_success',
    const Tracked extends boolean = false,
  >(
    name: Name extends keyof Outputs ? never : Name,
    options: StepOptions<Needs, Rule> & { tracking?: Tracked },
    run: (context: TrackedStepContext<z.output<Params>, Tracked>, inputs: StepInputs<Outputs, Needs, Rule>) => Result | Promise<Result>,
  ): Pipeline<Params, Simplify<Outputs & { [K in Name]: Awaited<Result> }>>;

  map<
    const Name extends string,
    Over extends ArrayOutputNames<Outputs>,
    Result,
    const Needs extends readonly (keyof Outputs & string)[] = [],
    Rule extends TriggerRule = 'all_success',
    const Tracked extends boolean = false,
  >(
    name: Name extends keyof Outputs ? never : Name,
    options: MapOptions<Over, Needs, Rule> & { tracking?: Tracked },
    run: (
      context: TrackedStepContext<z.output<Params>, Tracked>,
      item: ItemOf<Outputs[Over]>,
      inputs: StepInputs<Outputs, Needs, Rule>,
    ) => Result | Promise<Result>,
  ): Pipeline<Params, Simplify<Outputs & { [K in Name]: Awaited<Result>[] }>>;

  /** Parses params with the schema: INVALID_ARGUMENT naming each failing field. */
  parseParams(input: unknown): z.output<Params>;
  /** Throws a clear MlpError on an unknown need or a cycle (also checked before every run). */
  validate(): void;
}

/** The step output types of a pipeline: `PipelineOutputs<typeof pipeline>['train']`. */
export type PipelineOutputs<P> = P extends { readonly outputs?: infer Outputs } ? NonNullable<Outputs> : never;
/** The params type of a pipeline (after parsing). */
export type PipelineParams<P> = P extends { readonly params: infer Params extends z.ZodType } ? z.output<Params> : never;

/**
 * Starts a pipeline definition:
 * `definePipeline('nightly', { params: z.object({ day: z.string() }) }).step('load', {}, async (ctx) => ...)`.
 */
export function definePipeline<Params extends z.ZodType = z.ZodObject<Record<string, never>>>(
  name: string,
  options: PipelineOptions<Params> = {},
): Pipeline<Params, Record<never, never>> {
  checkName('pipeline', name);
  if (options.concurrency !== undefined) checkPositiveInteger(`pipeline '${name}' concurrency`, options.concurrency);
  for (const [pool, limit] of Object.entries(options.pools ?? {})) checkPositiveInteger(`pool '${pool}' limit`, limit);
  const params = (options.params ?? z.object({})) as Params;
  return buildPipeline(name, params, options, []) as unknown as Pipeline<Params, Record<never, never>>;
}

/** Whether a value is a pipeline built by `definePipeline` (works across copies of this package). */
export function isPipeline(value: unknown): value is PipelineDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PIPELINE_MARKER] === true;
}

function buildPipeline(name: string, params: z.ZodType, options: PipelineOptions<z.ZodType>, steps: StepDefinition[]): Pipeline {
  const add = (definition: StepDefinition): Pipeline => buildPipeline(name, params, options, [...steps, definition]);
  const pipeline = {
    [PIPELINE_MARKER]: true,
    name,
    params,
    schedule: options.schedule,
    triggers: options.triggers,
    description: options.description,
    concurrency: options.concurrency,
    pools: { ...(options.pools ?? {}) },
    steps,
    step(stepName: string, stepOptions: StepOptions<readonly string[], TriggerRule>, run: StepDefinition['run']) {
      return add(stepDefinition(name, steps, stepName, 'step', stepOptions, run, undefined, undefined));
    },
    map(
      stepName: string,
      mapOptions: MapOptions<string, readonly string[], TriggerRule>,
      run: (c: unknown, item: unknown, i: unknown) => unknown,
    ) {
      if (typeof mapOptions?.over !== 'string')
        throw new MlpError(
          'INVALID_ARGUMENT',
          `map step '${stepName}' of pipeline '${name}' needs 'over': the step whose list it maps over.`,
        );
      if (mapOptions.concurrency !== undefined) checkPositiveInteger(`map step '${stepName}' concurrency`, mapOptions.concurrency);
      const runItem: StepDefinition['run'] = (context, inputs, item) => run(context, item, inputs);
      return add(stepDefinition(name, steps, stepName, 'map', mapOptions, runItem, mapOptions.over, mapOptions.concurrency, run));
    },
    parseParams(input: unknown) {
      const parsed = params.safeParse(input ?? {});
      if (parsed.success) return parsed.data;
      const issues = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(params)'}: ${issue.message}`);
      throw new MlpError(
        'INVALID_ARGUMENT',
        `params of pipeline '${name}' are not valid: ${issues.join('; ')}. Pass them as --param key=value.`,
      );
    },
    validate() {
      validatePipelineGraph(name, steps);
      for (const step of steps)
        if (step.pool !== undefined && options.pools?.[step.pool] === undefined)
          throw new MlpError(
            'INVALID_ARGUMENT',
            `step '${step.name}' of pipeline '${name}' uses pool '${step.pool}', which has no limit: declare it with definePipeline('${name}', { pools: { ${step.pool}: 2 } }).`,
          );
    },
  };
  return pipeline as unknown as Pipeline;
}

function stepDefinition(
  pipeline: string,
  existing: readonly StepDefinition[],
  name: string,
  kind: 'step' | 'map',
  options: StepOptionsBase<TriggerRule> & { needs?: readonly string[] },
  run: StepDefinition['run'],
  over: string | undefined,
  concurrency: number | undefined,
  sourceOf: (...args: never[]) => unknown = run,
): StepDefinition {
  checkName(`step of pipeline '${pipeline}'`, name);
  if (existing.some((step) => step.name === name))
    throw new MlpError('ALREADY_EXISTS', `pipeline '${pipeline}' has two steps named '${name}'; give each step its own name.`);
  if (typeof run !== 'function') throw new MlpError('INVALID_ARGUMENT', `step '${name}' of pipeline '${pipeline}' needs a function.`);
  const options_ = options ?? {};
  const needs = [...(options_.needs ?? [])];
  if (!Array.isArray(options_.needs ?? []) || needs.some((need) => typeof need !== 'string'))
    throw new MlpError('INVALID_ARGUMENT', `step '${name}' of pipeline '${pipeline}': 'needs' is a list of step names.`);
  const retries = options_.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0)
    throw new MlpError('INVALID_ARGUMENT', `step '${name}' of pipeline '${pipeline}': retries must be a whole number ≥ 0, not ${retries}.`);
  if (options_.timeoutMs !== undefined) checkPositiveInteger(`step '${name}' timeoutMs`, options_.timeoutMs);
  const triggerRule = options_.triggerRule ?? 'all_success';
  if (!triggerRules.includes(triggerRule))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `step '${name}' of pipeline '${pipeline}': unknown trigger rule '${triggerRule}'; use one of ${triggerRules.join(', ')}.`,
    );
  const process = options_.process ?? 'in-process';
  if (process !== 'in-process' && process !== 'child')
    throw new MlpError(
      'INVALID_ARGUMENT',
      `step '${name}' of pipeline '${pipeline}': process is 'in-process' or 'child', not '${process}'.`,
    );
  const tracking = options_.tracking ?? false;
  if (typeof tracking !== 'boolean')
    throw new MlpError(
      'INVALID_ARGUMENT',
      `step '${name}' of pipeline '${pipeline}': tracking is true or false, not ${JSON.stringify(tracking)}.`,
    );
  const cache = options_.cache;
  const cacheTtlMs = cache === undefined || cache === false ? undefined : cache === true ? Number.POSITIVE_INFINITY : cache.ttlMs;
  if (cacheTtlMs !== undefined && !(cacheTtlMs > 0))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `step '${name}' of pipeline '${pipeline}': cache.ttlMs must be a positive number of milliseconds.`,
    );
  return {
    name,
    kind,
    needs: over !== undefined && !needs.includes(over) ? [over, ...needs] : needs,
    over,
    concurrency,
    retries,
    backoff: options_.backoff ?? DEFAULT_BACKOFF,
    timeoutMs: options_.timeoutMs,
    cacheTtlMs,
    pool: options_.pool,
    triggerRule,
    process,
    tracking,
    source: sourceOf.toString(),
    run,
  };
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `the ${what} name ${JSON.stringify(name)} is not valid: use letters, digits, '_', '.' and '-' (at most 128, starting with a letter or digit).`,
    );
}

function checkPositiveInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new MlpError('INVALID_ARGUMENT', `${what} must be a whole number ≥ 1, not ${value}.`);
}
