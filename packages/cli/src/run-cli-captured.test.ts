import { describe, expect, it } from 'vitest';
import { parseJsonOutput } from './run-cli-captured.js';

const run = (stdout: string) => ({ code: 0, stdout, stderr: '' });

describe('parseJsonOutput', () => {
  it('returns the one JSON document a --json run printed', () => {
    expect(parseJsonOutput(run('{"run_id":"r1","start_time":1,"params":{"learningRate":"0.1"}}'))).toEqual({
      run_id: 'r1',
      start_time: 1,
      params: { learningRate: '0.1' },
    });
  });

  it('refuses a document that breaks the convention, naming each problem', () => {
    expect(() => parseJsonOutput(run('{"runId":"r1","created_at":"2026-01-01T00:00:00Z"}'))).toThrow(
      /convention[\s\S]*runId: key is not snake_case[\s\S]*created_at: a time is epoch milliseconds/,
    );
    expect(() => parseJsonOutput(run('{"items":[{"step_count":1,"fooBar":2}]}'))).toThrow(/items\[0\]\.fooBar/);
  });

  it('takes documents that are not ours to shape, and more free-form keys, when told', () => {
    expect(parseJsonOutput(run('{"apiVersion":"v1","kind":"List"}'), { convention: false })).toEqual({ apiVersion: 'v1', kind: 'List' });
    expect(parseJsonOutput(run('{"best_metrics":{"valAuc":1}}'), { freeform: ['best_metrics'] })).toEqual({ best_metrics: { valAuc: 1 } });
  });

  it('says when stdout is not one JSON document, showing both streams', () => {
    expect(() => parseJsonOutput({ code: 1, stdout: 'oops', stderr: 'boom' })).toThrow(
      /not one JSON document \(exit 1\)[\s\S]*oops[\s\S]*boom/,
    );
  });
});
