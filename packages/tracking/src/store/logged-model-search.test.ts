import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { compileLoggedModelSearch, parseLoggedModelFilter } from './logged-model-search.js';

function errorOf(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}

describe('logged-model search', () => {
  it('parses attributes with their aliases, params, tags and metrics', () => {
    expect(
      parseLoggedModelFilter(
        "name = 'm' and creation_time > 5 and params.lr != '0.1' and tags.`team name` IN ('a', 'b') and metrics.acc >= 0.9 and model_type NOT IN ('x')",
      ),
    ).toEqual([
      { entity: 'attribute', key: 'name', comparator: '=', value: 'm' },
      { entity: 'attribute', key: 'creation_timestamp_ms', comparator: '>', value: 5 },
      { entity: 'param', key: 'lr', comparator: '!=', value: '0.1' },
      { entity: 'tag', key: 'team name', comparator: 'IN', value: ['a', 'b'] },
      { entity: 'metric', key: 'acc', comparator: '>=', value: 0.9 },
      { entity: 'attribute', key: 'model_type', comparator: 'NOT IN', value: ['x'] },
    ]);
    expect(parseLoggedModelFilter('')).toEqual([]);
  });

  it("reads MLflow's status names as mlp's", () => {
    expect(parseLoggedModelFilter("status = 'LOGGED_MODEL_READY'")).toEqual([
      { entity: 'attribute', key: 'status', comparator: '=', value: 'READY' },
    ]);
    expect(parseLoggedModelFilter("status IN ('LOGGED_MODEL_UPLOAD_FAILED', 'PENDING')")[0]?.value).toEqual(['FAILED', 'PENDING']);
  });

  it('refuses what MLflow refuses, pointing at the place', () => {
    expect(errorOf(() => parseLoggedModelFilter("colour = 'red'")).message).toMatch(/invalid attribute 'colour'/);
    expect(errorOf(() => parseLoggedModelFilter('metrics.acc LIKE 1')).message).toMatch(/invalid comparator LIKE/);
    expect(errorOf(() => parseLoggedModelFilter("creation_timestamp = 'yesterday'")).message).toMatch(/expected a number/);
    expect(errorOf(() => parseLoggedModelFilter("name = 'a' or name = 'b'")).message).toMatch(/expected AND/);
    expect(errorOf(() => parseLoggedModelFilter('runs.x = 1')).message).toMatch(/unknown entity type 'runs'/);
    expect(errorOf(() => parseLoggedModelFilter("name = 'a' and")).code).toBe('INVALID_ARGUMENT');
  });

  it('keeps every value in a parameter and orders newest first, then by id', () => {
    const { conditions, order, params } = compileLoggedModelSearch({ experimentIds: ['1'], filter: "name = 'x''; drop table t; --'" }, 3);
    expect(conditions).toEqual(['m.name = $4']);
    expect(params).toEqual(["x'; drop table t; --"]);
    expect(order).toEqual(['m.creation_timestamp_ms desc', 'm.model_id asc']);
  });

  it('orders by a metric on a dataset, and refuses other orders', () => {
    const { order, params } = compileLoggedModelSearch(
      { experimentIds: ['1'], orderBy: [{ fieldName: 'metrics.acc', ascending: false, datasetName: 'test' }] },
      0,
    );
    expect(order[0]).toMatch(/^\(select lm\.value .* lm\.key = \$1 and \(\(lm\.dataset_name = \$2\)\) .*\) desc nulls last$/);
    expect(params).toEqual(['acc', 'test']);
    expect(errorOf(() => compileLoggedModelSearch({ experimentIds: ['1'], orderBy: [{ fieldName: 'params.lr' }] }, 0)).message).toMatch(
      /order by an attribute/,
    );
    expect(errorOf(() => compileLoggedModelSearch({ experimentIds: ['1'], datasets: [{ datasetName: '' }] }, 0)).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
