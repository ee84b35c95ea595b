import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { parseOrderBy } from './order-by-parser.js';
import type { OrderTerm } from './search-types.js';

function errorOf(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError, but nothing was thrown');
}

describe('parseOrderBy: valid items', () => {
  // From MLflow's test_correct_sorting and test_space_order_by_search_runs, and the brief.
  const cases: [string, OrderTerm][] = [
    ['tags.noSuchTag', { type: 'tag', key: 'noSuchTag', ascending: true }],
    ['attributes.status', { type: 'attribute', key: 'status', ascending: true }],
    ['attributes.start_time', { type: 'attribute', key: 'start_time', ascending: true }],
    ['metrics.key1 asc', { type: 'metric', key: 'key1', ascending: true }],
    ['metrics."key1"  desc', { type: 'metric', key: 'key1', ascending: false }],
    ['params.my_param aSc', { type: 'param', key: 'my_param', ascending: true }],
    ['attributes.status  ASC', { type: 'attribute', key: 'status', ascending: true }],
    ['params.`my_param` DESC', { type: 'param', key: 'my_param', ascending: false }],
    ['tags.tag1    DESC', { type: 'tag', key: 'tag1', ascending: false }],
    ['metrics.`Mean Square Error`', { type: 'metric', key: 'Mean Square Error', ascending: true }],
    ['metrics.`Mean Square Error` ASC', { type: 'metric', key: 'Mean Square Error', ascending: true }],
    ['metrics.`Mean Square Error` DESC', { type: 'metric', key: 'Mean Square Error', ascending: false }],
    ['metrics.rmse DESC', { type: 'metric', key: 'rmse', ascending: false }],
    ['params.lr ASC', { type: 'param', key: 'lr', ascending: true }],
    ['tags."x"', { type: 'tag', key: 'x', ascending: true }],
    ['tags.mlflow.runName desc', { type: 'tag', key: 'mlflow.runName', ascending: false }],
    ['attributes.created DESC', { type: 'attribute', key: 'start_time', ascending: false }],
    ['attr.run_name', { type: 'attribute', key: 'run_name', ascending: true }],
    ['run_id', { type: 'attribute', key: 'run_id', ascending: true }],
    ['end_time DESC', { type: 'attribute', key: 'end_time', ascending: false }],
    ['  metric.m\tDESC  ', { type: 'metric', key: 'm', ascending: false }],
  ];

  it.each(cases)('%s', (item, expected) => {
    expect(parseOrderBy([item])).toEqual([expected]);
  });

  it('keeps the order of several items', () => {
    expect(parseOrderBy(['params.my_param DESC', 'attributes.status DESC', 'metrics.m'])).toEqual([
      { type: 'param', key: 'my_param', ascending: false },
      { type: 'attribute', key: 'status', ascending: false },
      { type: 'metric', key: 'm', ascending: true },
    ]);
  });

  it('returns nothing for no items', () => {
    expect(parseOrderBy([])).toEqual([]);
  });

  it('allows the same key under different entity types', () => {
    expect(parseOrderBy(['metrics.a', 'params.a', 'tags.a'])).toHaveLength(3);
  });
});

describe('parseOrderBy: invalid items report which and where', () => {
  // From MLflow's test_invalid_order_by_search_runs, and more.
  const cases: [string, number, string][] = [
    ['m.acc', 0, "unknown entity type 'm'"],
    ['acc', 0, "unknown attribute 'acc'"],
    ['attri.x', 0, "unknown entity type 'attri'"],
    ['`metrics.A', 0, 'unterminated backticked name'],
    ['`metrics.A`', 0, "unknown attribute 'metrics.A'"],
    ['attribute.start', 10, "unknown attribute 'start'"],
    ['attribute.experiment_id', 10, "unknown attribute 'experiment_id'"],
    ['attribute.lifecycle_stage', 10, "unknown attribute 'lifecycle_stage'"],
    ['metrics.A != 1', 10, "expected ASC, DESC or the end after metrics.A, found '!='"],
    ['attribute.run_id ACS', 17, "expected ASC, DESC or the end after attribute.run_id, found 'ACS'"],
    ['attribute.run_id decs', 17, "found 'decs'"],
    ['metrics.a DESC DESC', 15, "expected the end after metrics.a DESC, found 'DESC'"],
    ['metrics.a, metrics.b', 9, 'an order_by item holds one key: give each key as its own item'],
    ['', 0, 'the item is empty'],
    ['   ', 0, 'the item is empty'],
    ['DESC', 0, "expected an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found 'DESC'"],
    ["params.'lr'", 7, 'quote keys with double quotes or backticks'],
    ['datasets.name', 0, 'datasets.name can filter runs but not order them'],
  ];

  it.each(cases)('%s → position %i', (item, position, message) => {
    const error = errorOf(() => parseOrderBy(['metrics.ok', item]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ index: 1, position });
    expect(error.message.startsWith(`Invalid order_by[1] at position ${position}: `)).toBe(true);
    expect(error.message).toContain(message);
  });

  it('shows a caret under the position', () => {
    expect(errorOf(() => parseOrderBy(['attribute.run_id ACS'])).message).toBe(
      "Invalid order_by[0] at position 17: expected ASC, DESC or the end after attribute.run_id, found 'ACS'\n" +
        '  attribute.run_id ACS\n' +
        '                   ^',
    );
  });

  it('rejects a key given twice, as MLflow does, also through an alias', () => {
    const twice = errorOf(() => parseOrderBy(['metrics.a', 'metric.a DESC']));
    expect(twice.details).toEqual({ index: 1, position: 0 });
    expect(twice.message).toContain('metric.a is already in order_by');
    const alias = errorOf(() => parseOrderBy(['attributes.created', 'start_time DESC']));
    expect(alias.details).toEqual({ index: 1, position: 0 });
  });

  it('rejects what is not a list of strings', () => {
    expect(errorOf(() => parseOrderBy('metrics.a' as unknown as string[])).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => parseOrderBy([3 as unknown as string])).details).toEqual({ index: 0 });
  });
});
