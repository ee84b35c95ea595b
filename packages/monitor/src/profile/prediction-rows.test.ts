import type { PredictionLogEntry } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { predictionRows } from './prediction-rows.js';

const base = { at: 1, model: 'm', modelVersion: '1', requestId: 'r', latencyMs: 1 };

describe('rows of a logged prediction', () => {
  it('puts each record beside its output', () => {
    const entry: PredictionLogEntry = {
      ...base,
      kind: 'records',
      inputs: [{ x: 1 }, { x: 2 }],
      outputs: [[0.5], { label: 'a', score: 0.9 }],
    };
    expect(predictionRows(entry)).toEqual([
      { x: 1, prediction: 0.5 },
      { x: 2, 'prediction.label': 'a', 'prediction.score': 0.9 },
    ]);
  });

  it('spreads a matrix tensor into one column per feature', () => {
    const entry: PredictionLogEntry = {
      ...base,
      kind: 'tensors',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
      outputs: [{ name: 'probability', datatype: 'FP32', shape: [2], data: [0.1, 0.8] }],
    };
    expect(predictionRows(entry)).toEqual([
      { 'features.0': 1, 'features.1': 2, 'features.2': 3, 'prediction.probability': 0.1 },
      { 'features.0': 4, 'features.1': 5, 'features.2': 6, 'prediction.probability': 0.8 },
    ]);
  });
});
