import { MlpError } from '@mlp/core';
import { message, parseRequest } from '@mlp/core/http';
import { describe, expect, it } from 'vitest';
import { runIdOf, runStatus, viewType } from './run-fields.js';

const messageOf = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    if (MlpError.isInstance(error)) return error.message;
    throw error;
  }
  return 'no error';
};

describe('MLflow run fields', () => {
  it('reads RunStatus and ViewType by name or proto number', () => {
    const schema = message({ s: runStatus.optional(), v: viewType.optional() });
    expect(parseRequest(schema, { s: 3, v: '2' })).toEqual({ s: 'FINISHED', v: 'DELETED_ONLY' });
  });

  it("prefers run_id and falls back to MLflow's deprecated run_uuid", () => {
    expect(runIdOf({ run_id: 'a', run_uuid: 'b' })).toBe('a');
    expect(runIdOf({ run_uuid: 'b' })).toBe('b');
    expect(messageOf(() => runIdOf({}))).toMatch(/'run_id'/);
  });
});
