import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { TrainSpecInput } from '../spec/train-spec.js';
import { applyParams, gridPoints, validateSpace } from './search-space.js';

const spec: TrainSpecInput = { data: 'flights.parquet', target: 'delayed', features: ['distance'] };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return MlpError.isInstance(error) ? error.code : 'not an MlpError';
  }
  return undefined;
}

describe('applyParams', () => {
  it('sets each dotted path on a copy, starting absent objects from their defaults', () => {
    const applied = applyParams(spec, { 'optimizer.learningRate': 0.01, 'model.hiddenUnits': [64], batchSize: 32 });
    expect(applied.optimizer).toEqual({ name: 'adam', learningRate: 0.01 });
    expect(applied.model).toMatchObject({ type: 'mlp', hiddenUnits: [64], activation: 'relu' });
    expect(applied.batchSize).toBe(32);
    expect(spec).toEqual({ data: 'flights.parquet', target: 'delayed', features: ['distance'] });
  });

  it('keeps the fields the spec wrote beside the searched one', () => {
    const applied = applyParams({ ...spec, optimizer: { name: 'sgd' } }, { 'optimizer.learningRate': 0.5 });
    expect(applied.optimizer).toEqual({ name: 'sgd', learningRate: 0.5 });
  });

  it('names the parameter and the spec path a value breaks', () => {
    expect(() => applyParams(spec, { 'optimizer.learningRate': -1 })).toThrow(
      /search parameter 'optimizer.learningRate' = -1 makes optimizer.learningRate invalid/,
    );
    expect(codeOf(() => applyParams(spec, { batchSize: 2.5 }))).toBe('INVALID_ARGUMENT');
    expect(() => applyParams(spec, { 'optimizer.momentum': 0.9 })).toThrow(/optimizer.momentum/);
  });

  it('refuses a path through a value that is not an object', () => {
    expect(() => applyParams(spec, { 'batchSize.size': 3 })).toThrow(/goes through 'batchSize'/);
  });
});

describe('gridPoints', () => {
  it('is the cartesian product of choices and int steps, the last parameter fastest', () => {
    const points = gridPoints({
      'model.activation': { type: 'categorical', choices: ['relu', 'tanh'] },
      batchSize: { type: 'int', low: 16, high: 40, step: 8, log: false },
    });
    expect(points).toEqual([
      { 'model.activation': 'relu', batchSize: 16 },
      { 'model.activation': 'relu', batchSize: 24 },
      { 'model.activation': 'relu', batchSize: 32 },
      { 'model.activation': 'relu', batchSize: 40 },
      { 'model.activation': 'tanh', batchSize: 16 },
      { 'model.activation': 'tanh', batchSize: 24 },
      { 'model.activation': 'tanh', batchSize: 32 },
      { 'model.activation': 'tanh', batchSize: 40 },
    ]);
  });

  it('refuses a float parameter and says to list its values', () => {
    expect(() => gridPoints({ lr: { type: 'float', low: 0.1, high: 1, log: false } })).toThrow(
      /give the float values as a categorical list/,
    );
  });
});

describe('validateSpace', () => {
  it('refuses empty ranges and log scales that reach zero', () => {
    expect(codeOf(() => validateSpace({ x: { type: 'float', low: 1, high: 1, log: false } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => validateSpace({ x: { type: 'int', low: 5, high: 2, step: 1, log: false } }))).toBe('INVALID_ARGUMENT');
    expect(() => validateSpace({ x: { type: 'float', low: 0, high: 1, log: true } })).toThrow(/needs low > 0/);
    expect(codeOf(() => validateSpace({ x: { type: 'float', low: 1e-4, high: 1, log: true } }))).toBeUndefined();
  });
});
