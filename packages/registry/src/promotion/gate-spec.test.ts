import { describe, expect, it } from 'vitest';
import { compare, gateLabel, parseGateSpecs, parseMetricExpression } from './gate-spec.js';

describe('parseMetricExpression', () => {
  it('reads metrics.<key> <op> <number>', () => {
    expect(parseMetricExpression('metrics.auc >= 0.8')).toEqual({ metric: 'auc', operator: '>=', value: 0.8 });
    expect(parseMetricExpression('metrics.val/loss<1e-3')).toEqual({ metric: 'val/loss', operator: '<', value: 0.001 });
    expect(parseMetricExpression(' metrics.rmse != -2 ')).toEqual({ metric: 'rmse', operator: '!=', value: -2 });
  });

  it('refuses anything else', () => {
    for (const bad of ['auc >= 0.8', 'metrics.auc => 0.8', 'metrics.auc >= high', 'params.lr > 1'])
      expect(() => parseMetricExpression(bad), bad).toThrow(/metrics\.<key>/);
  });
});

describe('compare', () => {
  it('applies each operator', () => {
    expect([
      compare(1, '>=', 1),
      compare(1, '>', 1),
      compare(1, '<=', 2),
      compare(3, '<', 2),
      compare(2, '==', 2),
      compare(2, '!=', 2),
    ]).toEqual([true, false, true, false, true, false]);
  });
});

describe('parseGateSpecs', () => {
  it('accepts every gate type and the string shorthand', () => {
    const gates = parseGateSpecs([
      'metrics.auc >= 0.8',
      { type: 'beats-current', metric: 'auc', margin: 0.01, direction: 'higher' },
      { type: 'signature-compatible' },
      { type: 'data-validated', aliases: ['champion'] },
      { type: 'check', name: 'bias', options: { max: 0.1 } },
    ]);
    expect(gates.map(gateLabel)).toEqual([
      'metrics.auc >= 0.8',
      'beats current on auc by 0.01 (higher is better)',
      'signature compatible with current',
      'training data validated (mlp.validation.success)',
      'check bias',
    ]);
  });

  it('refuses unknown types, extra fields, bad margins and bad aliases', () => {
    expect(() => parseGateSpecs([{ type: 'vibes' }])).toThrow(/Invalid gate #1/);
    expect(() => parseGateSpecs([{ type: 'signature-compatible', extra: 1 }])).toThrow(/Invalid gate #1/);
    expect(() => parseGateSpecs([{ type: 'beats-current', metric: 'auc', margin: -1 }])).toThrow(/Invalid gate #1/);
    expect(() => parseGateSpecs([{ type: 'data-validated', aliases: ['latest'] }])).toThrow(/reserved/);
  });
});
