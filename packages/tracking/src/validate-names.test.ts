import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import {
  assertBatchSize,
  assertCreateExperiment,
  assertCreateRun,
  assertDatasetInputs,
  assertExperimentTag,
  assertLogBatch,
  assertMetricInteger,
  assertMetricValue,
  assertParamValue,
  assertTagValue,
  assertTrackingKey,
  textProblem,
  trackingKeyProblem,
} from './validate-names.js';

function errorOf(fn: () => void): MlpError {
  try {
    fn();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}

describe('tracking key rules (MLflow names)', () => {
  it.each(['loss', 'val/loss', 'eval.acc_1', 'a b:c-d_e.f', 'ü/ä', 'x'.repeat(250), '日本語'])('accepts %j', (key) => {
    expect(trackingKeyProblem('metric', key)).toBeUndefined();
  });

  it.each([
    ['', /must not be empty/],
    ['x'.repeat(251), /251 characters; the limit is 250/],
    ['a,b', /may only hold letters, digits/],
    ['a\nb', /may only hold letters, digits/],
    ['/abs', /must not start with '\/'/],
    ['a/../b', /normalised relative path/],
    ['..', /normalised relative path/],
    ['a//b', /normalised relative path/],
    ['a/./b', /normalised relative path/],
    ['a/', /normalised relative path/],
  ])('rejects %j', (key, message) => {
    const error = errorOf(() => assertTrackingKey('param', key));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^The param key|^A param key/);
  });

  it('rejects keys that are not strings', () => {
    expect(trackingKeyProblem('tag', 42)).toBe('a tag key must be a string, not number');
    expect(trackingKeyProblem('tag', null)).toBe('a tag key must be a string, not null');
  });

  it('counts characters as code points, like MLflow (an emoji is one)', () => {
    expect(trackingKeyProblem('metric', 'é'.normalize('NFC').repeat(250))).toBeUndefined();
    expect(() => assertParamValue('k', '😀'.repeat(6000))).not.toThrow();
    expect(() => assertParamValue('k', '😀'.repeat(6001))).toThrow(/6001 characters; the limit is 6000/);
  });
});

describe('value rules', () => {
  it('limits param values to 6000 and tag values to 8000 characters, naming the key', () => {
    expect(() => assertParamValue('lr', 'x'.repeat(6000))).not.toThrow();
    expect(errorOf(() => assertParamValue('lr', 'x'.repeat(6001))).message).toBe(
      'The value of param "lr" is 6001 characters; the limit is 6000. Log long text as an artifact instead.',
    );
    expect(() => assertTagValue('note', 'x'.repeat(8000))).not.toThrow();
    expect(errorOf(() => assertTagValue('note', 'x'.repeat(8001))).code).toBe('INVALID_ARGUMENT');
  });

  it('takes numbers as metric values, NaN and infinities included, and nothing else', () => {
    for (const value of [0, -1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => assertMetricValue('m', value)).not.toThrow();
    }
    expect(errorOf(() => assertMetricValue('m', true)).message).toBe('The value of metric "m" must be a number, not boolean (true).');
    expect(errorOf(() => assertMetricValue('m', '1')).code).toBe('INVALID_ARGUMENT');
  });

  it('wants integer steps and timestamps', () => {
    expect(() => assertMetricInteger('m', 'step', -3)).not.toThrow();
    expect(errorOf(() => assertMetricInteger('m', 'step', 1.5)).message).toBe('The step of metric "m" must be an integer, not 1.5.');
    expect(errorOf(() => assertMetricInteger('m', 'timestamp', Number.NaN)).message).toMatch(/epoch milliseconds/);
  });
});

describe('log-batch rules', () => {
  it("enforces MLflow's batch limits", () => {
    expect(() => assertBatchSize(1000, 0, 0)).not.toThrow();
    expect(() => assertBatchSize(900, 50, 50)).not.toThrow();
    expect(() => assertBatchSize(1001, 0, 0)).toThrow(/at most 1000 metrics, 100 params, 100 tags and 1000 in all/);
    expect(() => assertBatchSize(0, 101, 0)).toThrow(MlpError);
    expect(() => assertBatchSize(0, 0, 101)).toThrow(MlpError);
    expect(() => assertBatchSize(901, 50, 50)).toThrow(/this one has 901 metrics, 50 params and 50 tags/);
  });

  it('checks every entry and refuses one param with two values in one batch', () => {
    const metric = { key: 'm', value: 1, timestamp: 1, step: 0 };
    expect(() => assertLogBatch({ metrics: [metric], params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: 'x' }] })).not.toThrow();
    expect(() => assertLogBatch({ metrics: [{ ...metric, step: 0.5 }] })).toThrow(/step of metric/);
    expect(() => assertLogBatch({ tags: [{ key: 'bad,key', value: '' }] })).toThrow(/tag key/);
    expect(() =>
      assertLogBatch({
        params: [
          { key: 'p', value: '1' },
          { key: 'p', value: '1' },
        ],
      }),
    ).not.toThrow();
    expect(() =>
      assertLogBatch({
        params: [
          { key: 'p', value: '1' },
          { key: 'p', value: '2' },
        ],
      }),
    ).toThrow(/two values/);
  });
});

describe('clean text (NUL and lone surrogates)', () => {
  it.each(['', 'plain', 'tab\there', '🙂 emoji', '\ud83d\ude42', 'é'])('accepts %j', (text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  it.each([
    ['a\u0000b', /NUL character \(U\+0000\) at position 1/],
    ['x\ud800', /lone UTF-16 surrogate \(U\+D800\) at position 1/],
    ['\udc00x', /lone UTF-16 surrogate \(U\+DC00\) at position 0/],
    ['\ud83d\ude42\ud83d', /at position 2/],
  ])('refuses %j', (text, pattern) => {
    expect(textProblem(text)).toMatch(pattern);
  });

  it('is checked in keys, values and every entity the SDK and the server store', () => {
    expect(errorOf(() => assertTrackingKey('tag', 'a\u0000')).message).toMatch(/NUL/);
    expect(errorOf(() => assertTagValue('t', 'v\ud800')).message).toMatch(/surrogate/);
    expect(errorOf(() => assertParamValue('p', '\u0000')).message).toMatch(/NUL/);
    expect(errorOf(() => assertCreateExperiment({ name: 'e\u0000' })).message).toMatch(/experiment name.*NUL/);
    expect(errorOf(() => assertCreateRun({ experimentId: '0', name: '\udfff' })).message).toMatch(/run name.*surrogate/);
    expect(errorOf(() => assertLogBatch({ tags: [{ key: 't', value: '\u0000' }] })).code).toBe('INVALID_ARGUMENT');
  });
});

describe("MLflow's entity limits", () => {
  it('holds run names to 250 characters, as a name or as the mlflow.runName tag', () => {
    expect(() => assertCreateRun({ experimentId: '0', name: 'n'.repeat(250) })).not.toThrow();
    expect(() => assertCreateRun({ experimentId: '0', name: 'n'.repeat(251) })).toThrow(/run name .* 251 characters; the limit is 250/);
    expect(() => assertCreateRun({ experimentId: '0', tags: { 'mlflow.runName': 'n'.repeat(251) } })).toThrow(/limit is 250/);
    expect(() => assertLogBatch({ tags: [{ key: 'mlflow.runName', value: 'n'.repeat(251) }] })).toThrow(/limit is 250/);
  });

  it("checks a new run's tags and user as a run tag and MLflow's user column", () => {
    expect(() => assertCreateRun({ experimentId: '0', tags: { t: 'v'.repeat(8001) } })).toThrow(/limit is 8000/);
    expect(() => assertCreateRun({ experimentId: '0', tags: { ['k'.repeat(251)]: 'v' } })).toThrow(/limit is 250/);
    expect(() => assertCreateRun({ experimentId: '0', userId: 'u'.repeat(257) })).toThrow(/limit is 256/);
  });

  it('holds experiments to 500-character names and 5000-character tag values', () => {
    expect(() => assertCreateExperiment({ name: 'e'.repeat(500), tags: { k: 'v'.repeat(5000) } })).not.toThrow();
    expect(() => assertCreateExperiment({ name: 'e'.repeat(501) })).toThrow(/limit is 500/);
    expect(() => assertCreateExperiment({ name: '' })).toThrow(/must not be empty/);
    expect(() => assertExperimentTag('k', 'v'.repeat(5001))).toThrow(/limit is 5000/);
    expect(() => assertExperimentTag('../k', 'v')).toThrow(/normalised relative path/);
  });

  it("keeps dataset inputs to MLflow's dataset limits", () => {
    const dataset = { name: 'd', digest: 'abc', sourceType: 'local', source: '{}' };
    expect(() => assertDatasetInputs([{ ...dataset, context: 'training' }])).not.toThrow();
    expect(() => assertDatasetInputs([{ ...dataset, digest: 'x'.repeat(37) }])).toThrow(/digest .* limit is 36/);
    expect(() => assertDatasetInputs([{ ...dataset, context: 'x'.repeat(501) }])).toThrow(/limit is 500/);
    expect(() => assertDatasetInputs([{ ...dataset, source: '\u0000' }])).toThrow(/NUL/);
  });
});
