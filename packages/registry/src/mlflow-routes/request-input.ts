import { MlpError } from '@mlp/core';

/**
 * Fields of MLflow's registry request messages, read as MLflow's handlers do: a JSON body for
 * POST/PATCH/DELETE, a query object (strings, or arrays for repeated keys) for GET. Missing required
 * fields and wrong types are INVALID_ARGUMENT, which the server reports as INVALID_PARAMETER_VALUE.
 */
export type Input = Record<string, unknown>;

export function asInput(value: unknown): Input {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MlpError('INVALID_ARGUMENT', 'The request body must be a JSON object.');
  }
  return value as Input;
}

const missing = (field: string) =>
  new MlpError('INVALID_ARGUMENT', `Missing value for required parameter '${field}'.`, { details: { field } });
const wrongType = (field: string, expected: string, value: unknown) =>
  new MlpError('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(value)} for parameter '${field}': expected ${expected}.`, {
    details: { field },
  });

export function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a string', value);
  return value;
}

export function requiredString(input: Input, field: string): string {
  const value = optionalString(input, field);
  if (value === undefined || value === '') throw missing(field);
  return value;
}

/** A model version number: MLflow sends it as a string (`"3"`); a number is accepted too. */
export function requiredVersion(input: Input, field = 'version'): number {
  const value = input[field];
  if (value === undefined || value === null || value === '') throw missing(field);
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1)
    throw wrongType(field, 'a version number such as "3"', value);
  return number;
}

export function optionalInteger(input: Input, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw wrongType(field, 'an integer', value);
  return number;
}

export function requiredBoolean(input: Input, field: string): boolean {
  const value = input[field];
  if (value === undefined || value === null || value === '') throw missing(field);
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw wrongType(field, 'true or false', value);
}

/** A repeated string field: absent, one string (a GET key given once) or an array of strings. */
export function repeatedString(input: Input, field: string): string[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item !== 'string') throw wrongType(field, 'strings', item);
    return item;
  });
}

/** Repeated `{ key, value }` tags. */
export function tags(input: Input, field = 'tags'): Record<string, string> {
  const value = input[field];
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw wrongType(field, 'a list of { key, value }', value);
  const result: Record<string, string> = {};
  for (const item of value) {
    const tag = asInput(item);
    result[requiredString(tag, 'key')] = optionalString(tag, 'value') ?? '';
  }
  return result;
}
