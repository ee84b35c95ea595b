import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { type AlertObservation, type AlertState, evaluateAlerts, parseAlertRules } from './alert-rules.js';

const minute = 60_000;
const rules = parseAlertRules([
  { name: 'drift', metric: 'drift_share', op: '>=', threshold: 0.5, forMs: 10 * minute },
  { name: 'errors', metric: 'error_rate', op: '>', threshold: 0.05, severity: 'critical' },
  { name: 'column', metric: 'column_score', op: '<', threshold: 0.05, forMs: minute },
]);

/** Runs evaluations in turn, carrying the states, and returns every step's transitions. */
function replay(steps: { at: number; observations: AlertObservation[] }[]) {
  let states: AlertState[] = [];
  return steps.map(({ at, observations }) => {
    const evaluation = evaluateAlerts(rules, observations, states, at);
    states = evaluation.states;
    return { states, transitions: evaluation.transitions.map((t) => `${t.kind} ${t.key}`) };
  });
}

describe('alert rules', () => {
  it('wait for the rule’s `for` before firing, fire once while active, and resolve when the condition ends', () => {
    const drift = (at: number, value: number) => ({ at: at * minute, observations: [{ metric: 'drift_share' as const, value }] });
    const steps = replay([drift(0, 0.6), drift(5, 0.7), drift(10, 0.6), drift(15, 0.8), drift(20, 0.2), drift(25, 0.2)]);
    expect(steps.map((step) => step.transitions)).toEqual([[], [], ['fired drift'], [], ['resolved drift'], []]);
    expect(steps[1]?.states[0]).toMatchObject({ state: 'pending', activeSince: 0 });
    expect(steps[3]?.states[0]).toMatchObject({ state: 'firing', firedAt: 10 * minute, value: 0.8 });
    expect(steps[4]?.states).toEqual([]);
  });

  it('drop a pending alert that stops holding before its `for`: it never fires', () => {
    const steps = replay([
      { at: 0, observations: [{ metric: 'drift_share', value: 0.9 }] },
      { at: 5 * minute, observations: [{ metric: 'drift_share', value: 0.1 }] },
      { at: 12 * minute, observations: [{ metric: 'drift_share', value: 0.9 }] },
      { at: 20 * minute, observations: [{ metric: 'drift_share', value: 0.9 }] },
    ]);
    expect(steps.map((step) => step.transitions)).toEqual([[], [], [], []]);
    expect(steps[3]?.states[0]).toMatchObject({ state: 'pending', activeSince: 12 * minute });
  });

  it('fire at once without `for`, and resolve when a window has no value for the metric', () => {
    const steps = replay([
      { at: 0, observations: [{ metric: 'error_rate', value: 0.2 }] },
      { at: minute, observations: [{ metric: 'error_rate', value: 0.3 }] },
      { at: 2 * minute, observations: [] },
    ]);
    expect(steps.map((step) => step.transitions)).toEqual([['fired errors'], [], ['resolved errors']]);
  });

  it('keep one alert per column for a column rule, each deduplicated and resolved on its own', () => {
    const scores = (at: number, delay: number, origin: number) => ({
      at: at * minute,
      observations: [
        { metric: 'column_score' as const, column: 'delay', value: delay },
        { metric: 'column_score' as const, column: 'origin', value: origin },
      ],
    });
    const steps = replay([scores(0, 0.01, 0.5), scores(1, 0.01, 0.01), scores(2, 0.2, 0.01), scores(3, 0.2, 0.01)]);
    expect(steps.map((step) => step.transitions)).toEqual([
      [],
      ['fired column:delay'],
      ['fired column:origin', 'resolved column:delay'],
      [],
    ]);
  });

  it('watch one quality metric for a quality rule with a metric, the headline without one', () => {
    const rules = parseAlertRules([
      { name: 'f1', metric: 'quality', column: 'f1', op: '<', threshold: 0.5 },
      { name: 'headline', metric: 'quality', op: '<', threshold: 0.8 },
    ]);
    const observations = [
      { metric: 'quality' as const, column: 'accuracy', value: 0.7 },
      { metric: 'quality' as const, column: 'f1', value: 0.6 },
      { metric: 'quality' as const, value: 0.7 },
    ];
    const { transitions } = evaluateAlerts(rules, observations, [], 0);
    expect(transitions.map((t) => [t.rule, t.key, t.column, t.value])).toEqual([['headline', 'headline', null, 0.7]]);
  });

  it('compare with each operator at the threshold', () => {
    for (const [op, fires] of [
      ['>', false],
      ['>=', true],
      ['<', false],
      ['<=', true],
    ] as const) {
      const [rule] = parseAlertRules([{ name: 'q', metric: 'quality', op, threshold: 0.8 }]);
      const result = evaluateAlerts(rule ? [rule] : [], [{ metric: 'quality', value: 0.8 }], [], 0);
      expect(result.transitions.length, op).toBe(fires ? 1 : 0);
    }
  });

  it('reject invalid rules with a message saying what to fix', () => {
    const bad = (input: unknown) => {
      try {
        parseAlertRules([input as never]);
      } catch (error) {
        expect(MlpError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ name: 'x', metric: 'drift_share', op: '=', threshold: 1 })).toContain('op');
    expect(bad({ name: 'x', metric: 'error_rate', column: 'a', op: '>', threshold: 1 })).toContain(
      'only for metrics column_score and quality',
    );
    expect(() => parseAlertRules([rules[0] as never, rules[0] as never])).toThrow(/Two alert rules are named drift/);
  });
});
