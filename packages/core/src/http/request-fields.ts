import { z } from 'zod';
import { invalidParameter } from './http-problem.js';

/**
 * Field types of MLflow's request messages, parsed as protobuf's JSON mapping does: int64 as a number
 * or a digit string (query strings are all strings), doubles also as "NaN"/"Infinity"/"-Infinity",
 * enums by name or number. Absent and null fields are unset; for required strings '' is unset too,
 * as in MLflow's `_assert_required`.
 */

const MISSING = 'missing';
const describe = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : `${JSON.stringify(value)} (${typeof value})`);

/**
 * A field type of its own, for what the ones here do not cover (a registry version number): `parse`
 * returns the value, or undefined to refuse it as not `expected`. Gives `.required()` and `.optional()`.
 */
export function requestField<T>(expected: string, parse: (value: unknown) => T | undefined) {
  const check = (value: unknown, ctx: z.RefinementCtx): T => {
    const parsed = parse(value);
    if (parsed === undefined) ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describe(value)}` });
    return parsed as T;
  };
  return {
    required: () =>
      z.unknown().transform((value, ctx): T => {
        if (value === undefined || value === null || value === '') {
          ctx.addIssue({ code: 'custom', message: MISSING });
          return z.NEVER;
        }
        return check(value, ctx);
      }),
    // .optional() keeps an absent key absent: zod 4 refuses an undefined output from a required key.
    optional: () =>
      z
        .unknown()
        .transform((value, ctx): T | undefined => (value === undefined || value === null ? undefined : check(value, ctx)))
        .optional(),
  };
}

export const string = requestField('a string', (value) => (typeof value === 'string' ? value : undefined));

const integerText = /^-?\d+$/;
export const int64 = requestField('an integer', (value) => {
  const number = typeof value === 'string' && integerText.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
});

/** A bool: JSON's true and false, or their text (a query string, a loose client). */
export const bool = requestField('true or false', (value) =>
  value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined,
);

const specialDoubles = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);
const decimalText = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A double: booleans are refused (protobuf refuses them too), unlike JavaScript's Number(true). */
export const double = requestField('a number', (value) => {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  return specialDoubles.get(value) ?? (decimalText.test(value) ? Number(value) : undefined);
});

/**
 * An enum by name or by its number in the proto, names given in proto order numbered from 1 (MLflow's
 * RunStatus, ViewType). A Map, not an object literal, so a value such as "constructor" finds nothing.
 */
export function enumeration<T extends string>(names: readonly T[]) {
  const byText = new Map<string, T>();
  names.forEach((name, index) => {
    byText.set(name, name);
    byText.set(String(index + 1), name);
  });
  return requestField(`one of ${names.join(', ')}`, (value) =>
    typeof value === 'string' || typeof value === 'number' ? byText.get(String(value)) : undefined,
  );
}

/** A repeated field: a single query-string value counts as a list of one; absent is empty. */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === undefined || value === null ? [] : typeof value === 'string' ? [value] : value),
    z.array(item, { error: 'expected a list' }),
  );
}

export function message<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape, { error: 'expected a JSON object' });
}

/** A key-value pair (RunTag, ExperimentTag, Param): key required, value may be empty. */
export const keyValue = message({ key: string.required(), value: string.optional() });

/** MLflow's tail to every request-validation message. */
export const requestHint = ' See the API docs for more information about request parameters.';

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}

/** Parses a request message, or throws MLflow's INVALID_PARAMETER_VALUE naming the first bad field. */
export function parseRequest<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const where = pathText(issue.path);
  if (issue.message === MISSING) throw invalidParameter(`Missing value for required parameter '${where}'.${requestHint}`);
  if (where === '') throw invalidParameter(`Invalid request: ${issue.message}.${requestHint}`);
  throw invalidParameter(`Invalid value for parameter '${where}': ${issue.message}.${requestHint}`);
}
