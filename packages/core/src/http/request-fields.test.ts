import { describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { bool, double, enumeration, int64, keyValue, message, parseRequest, repeated, string } from './request-fields.js';

const runStatus = enumeration(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
const viewType = enumeration(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);

const messageOf = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    if (MlpError.isInstance(error)) return error.message;
    throw error;
  }
  return 'no error';
};

describe('request fields (protobuf JSON mapping)', () => {
  it('reads int64 from numbers and digit strings, refusing fractions and unsafe integers', () => {
    const schema = message({ t: int64.required() });
    expect(parseRequest(schema, { t: 1_700_000_000_000 }).t).toBe(1_700_000_000_000);
    expect(parseRequest(schema, { t: '-42' }).t).toBe(-42);
    expect(messageOf(() => parseRequest(schema, { t: 1.5 }))).toContain("parameter 't': expected an integer");
    expect(messageOf(() => parseRequest(schema, { t: '9007199254740993' }))).toContain('expected an integer');
  });

  it("reads doubles, with protobuf's NaN and Infinity strings, and refuses booleans", () => {
    const schema = message({ v: double.required() });
    expect(parseRequest(schema, { v: 2.5 }).v).toBe(2.5);
    expect(parseRequest(schema, { v: 'NaN' }).v).toBeNaN();
    expect(parseRequest(schema, { v: '-Infinity' }).v).toBe(Number.NEGATIVE_INFINITY);
    expect(parseRequest(schema, { v: '1e-3' }).v).toBe(0.001);
    expect(messageOf(() => parseRequest(schema, { v: true }))).toContain('expected a number, got true (boolean)');
    expect(messageOf(() => parseRequest(schema, { v: 'toString' }))).toContain('expected a number');
  });

  it('reads enums by name or proto number, never by inherited property names', () => {
    const schema = message({ s: runStatus.optional(), v: viewType.optional() });
    expect(parseRequest(schema, { s: 'KILLED', v: 'ALL' })).toEqual({ s: 'KILLED', v: 'ALL' });
    expect(parseRequest(schema, { s: 3, v: '2' })).toEqual({ s: 'FINISHED', v: 'DELETED_ONLY' });
    expect(messageOf(() => parseRequest(schema, { s: 'constructor' }))).toContain("'s': expected one of RUNNING");
    expect(messageOf(() => parseRequest(schema, { v: 9 }))).toContain("'v'");
  });

  it('reports a missing or empty required field as MLflow does, with its path', () => {
    const schema = message({ run_id: string.required(), tags: repeated(keyValue) });
    expect(messageOf(() => parseRequest(schema, {}))).toBe(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    );
    expect(messageOf(() => parseRequest(schema, { run_id: '' }))).toMatch(/^Missing value for required parameter 'run_id'/);
    expect(messageOf(() => parseRequest(schema, { run_id: 'r', tags: [{ value: 'v' }] }))).toMatch(/parameter 'tags\[0\]\.key'/);
    expect(messageOf(() => parseRequest(schema, { run_id: 'r', tags: 5 }))).toContain("'tags': expected a list");
    expect(messageOf(() => parseRequest(schema, []))).toMatch(/^Invalid request: expected a JSON object/);
  });

  it('reads bools from JSON and from their text, nothing else', () => {
    const schema = message({ b: bool.required() });
    expect(parseRequest(schema, { b: 'false' }).b).toBe(false);
    expect(parseRequest(schema, { b: true }).b).toBe(true);
    expect(messageOf(() => parseRequest(schema, { b: 1 }))).toContain("'b': expected true or false");
    expect(messageOf(() => parseRequest(schema, {}))).toMatch(/^Missing value for required parameter 'b'/);
  });

  it('takes a single query value as a list of one and drops unknown fields', () => {
    const schema = message({ ids: repeated(string.required()) });
    expect(parseRequest(schema, { ids: '1', other: 'x' })).toEqual({ ids: ['1'] });
    expect(parseRequest(schema, {})).toEqual({ ids: [] });
  });
});
