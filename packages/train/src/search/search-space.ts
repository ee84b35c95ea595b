import { MlpError } from '@mlp/core';
import type { z } from 'zod';
import { type ParamDistribution, type SearchSpec, type TrainSpec, type TrainSpecInput, trainSpecSchema } from '../spec/train-spec.js';

/** One trial's values, keyed by the dotted spec path each one sets (`optimizer.learningRate`). */
export type Params = Record<string, unknown>;

/** The searched parameters of a spec: `search.space`. */
export type SearchSpace = SearchSpec['space'];

/**
 * Checks what the schema cannot: a range that is not empty and a log scale that starts above zero.
 * Throws INVALID_ARGUMENT naming the parameter.
 */
export function validateSpace(space: SearchSpace): void {
  const names = Object.keys(space);
  if (names.length === 0) throw new MlpError('INVALID_ARGUMENT', 'search.space is empty; name at least one parameter to search.');
  for (const name of names) {
    const distribution = space[name] as ParamDistribution;
    if (distribution.type === 'categorical') continue;
    if (!(distribution.low < distribution.high))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `search parameter '${name}' has low ${distribution.low} and high ${distribution.high}; low must be below high (fix the range, or leave the parameter out of the search).`,
      );
    if (distribution.log && distribution.low <= 0)
      throw new MlpError(
        'INVALID_ARGUMENT',
        `search parameter '${name}' is on a log scale but low is ${distribution.low}; a log range needs low > 0 (raise low, or set log: false).`,
      );
    if (distribution.type === 'int' && distribution.log && distribution.step !== 1)
      throw new MlpError(
        'INVALID_ARGUMENT',
        `search parameter '${name}' is a log-scale int with step ${distribution.step}; a log scale needs step 1 (drop step, or set log: false).`,
      );
  }
}

/** The values of an int parameter, low to high by step (high itself only when the steps land on it). */
export function intValues(distribution: Extract<ParamDistribution, { type: 'int' }>): number[] {
  const values: number[] = [];
  for (let value = distribution.low; value <= distribution.high; value += distribution.step) values.push(value);
  return values;
}

/**
 * Every point of a grid search: the cartesian product of the categorical choices and int ranges, in a
 * stable order (the space's key order, the last key varying fastest), so a resumed grid search runs
 * the same point at the same index.
 */
export function gridPoints(space: SearchSpace): Params[] {
  validateSpace(space);
  const axes = Object.entries(space).map(([name, distribution]) => {
    if (distribution.type === 'float')
      throw new MlpError(
        'INVALID_ARGUMENT',
        `grid search needs categorical or int parameters; give the float values as a categorical list (parameter '${name}').`,
      );
    return { name, values: distribution.type === 'int' ? intValues(distribution) : distribution.choices };
  });
  let points: Params[] = [{}];
  for (const axis of axes) points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.name]: value })));
  return points;
}

/**
 * The spec one trial trains: `params` set at their dotted paths on a copy of `spec`, then parsed.
 * A path through an absent object (`model.hiddenUnits` when the spec leaves `model` to its default)
 * starts from that object's default, so a search can tune a field of a default it never wrote out.
 */
export function applyParams(spec: TrainSpecInput, params: Params): TrainSpec {
  const copy = structuredClone(spec) as Record<string, unknown>;
  let defaults: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(params)) {
    const path = name.split('.');
    if (path.some((segment) => segment === '' || segment === '__proto__' || segment === 'constructor' || segment === 'prototype'))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `search parameter '${name}' is not a dotted path into the spec (such as optimizer.learningRate).`,
      );
    let target: Record<string, unknown> = copy;
    for (let depth = 0; depth < path.length - 1; depth++) {
      const segment = path[depth] as string;
      let child = target[segment];
      if (child === undefined) {
        defaults ??= parsedDefaults(spec);
        child = structuredClone(valueAt(defaults, path.slice(0, depth + 1))) ?? {};
        target[segment] = child;
      }
      if (typeof child !== 'object' || child === null)
        throw new MlpError(
          'INVALID_ARGUMENT',
          `search parameter '${name}' goes through '${path.slice(0, depth + 1).join('.')}', which is ${JSON.stringify(child)} and not an object; fix the parameter's path.`,
        );
      target = child as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = value;
  }
  const parsed = trainSpecSchema.safeParse(copy);
  if (parsed.success) return parsed.data;
  throw new MlpError('INVALID_ARGUMENT', describeIssues(parsed.error.issues, params), { cause: parsed.error });
}

function parsedDefaults(spec: TrainSpecInput): Record<string, unknown> {
  const parsed = trainSpecSchema.safeParse(spec);
  if (!parsed.success)
    throw new MlpError('INVALID_ARGUMENT', `the spec is invalid before any search parameter is applied: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  return parsed.data as Record<string, unknown>;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const segment of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  return value;
}

/** Names the parameter behind each issue: the one whose path is a prefix of the issue's path (or the reverse). */
function describeIssues(issues: readonly z.core.$ZodIssue[], params: Params): string {
  const names = Object.keys(params);
  const parts = issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    const culprit = names.find((name) => where === name || where.startsWith(`${name}.`) || (where !== '' && name.startsWith(`${where}.`)));
    const subject = culprit === undefined ? 'the spec' : `search parameter '${culprit}' = ${JSON.stringify(params[culprit])}`;
    return `${subject} makes ${where || 'the spec'} invalid: ${issue.message}`;
  });
  return `${parts.join('; ')}. Narrow search.space to values the spec accepts.`;
}
