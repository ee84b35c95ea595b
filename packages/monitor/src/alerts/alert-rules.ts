import { MlpError } from '@mlp/core';
import { z } from 'zod';

/** What a monitor's alert rule watches in each window. */
export const alertMetrics = ['drift_share', 'column_score', 'error_rate', 'latency_p95', 'quality'] as const;
export type AlertMetric = (typeof alertMetrics)[number];

/** A threshold on one metric of a window, with Prometheus's `for`: the condition must hold that long to fire. */
export const alertRuleSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,99}$/, 'must start with a letter: letters, digits, _ and -'),
  metric: z.enum(alertMetrics),
  /**
   * For `column_score`: one column; without it every tested column is watched, each alerting on its own.
   * For `quality`: the metric (`accuracy`, `f1`, `roc_auc`, `rmse`…); without it the task's headline (accuracy, or RMSE).
   */
  column: z.string().min(1).optional(),
  op: z.enum(['>', '>=', '<', '<=']),
  threshold: z.number().finite(),
  forMs: z.number().int().nonnegative().default(0),
  severity: z.enum(['warning', 'critical']).default('warning'),
});
export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;

/** One value a window produced: `column` names the column for `column_score`, the metric for `quality` (none: the headline). */
export interface AlertObservation {
  metric: AlertMetric;
  column?: string;
  value: number;
}

/** An alert that is pending (its condition holds, not yet for `forMs`) or firing; absent when inactive. */
export interface AlertState {
  rule: string;
  /** The rule's name, plus `:column` for a per-column rule: one alert per key, never two. */
  key: string;
  column: string | null;
  state: 'pending' | 'firing';
  activeSince: number;
  firedAt: number | null;
  value: number;
}

export interface AlertTransition {
  kind: 'fired' | 'resolved';
  rule: string;
  key: string;
  column: string | null;
  severity: AlertRule['severity'];
  value: number | null;
  at: number;
  activeSince: number;
}

export interface AlertEvaluation {
  /** The alerts now pending or firing: store them for the next evaluation. */
  states: AlertState[];
  /** Alerts that started firing now (each once, however many windows keep them active) and alerts resolved now. */
  transitions: AlertTransition[];
}

export function parseAlertRules(rules: readonly AlertRuleInput[]): AlertRule[] {
  const parsed = rules.map((rule, index) => {
    const result = alertRuleSchema.safeParse(rule);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Alert rule ${index + 1}: ${issue?.path.join('.') || 'the rule'} ${issue?.message ?? 'is invalid'}.`,
      );
    }
    if (result.data.column && result.data.metric !== 'column_score' && result.data.metric !== 'quality') {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Alert rule ${result.data.name}: column is only for metrics column_score and quality; remove it.`,
      );
    }
    return result.data;
  });
  const names = new Set<string>();
  for (const rule of parsed) {
    if (names.has(rule.name)) throw new MlpError('INVALID_ARGUMENT', `Two alert rules are named ${rule.name}: give each its own name.`);
    names.add(rule.name);
  }
  return parsed;
}

const holds = (op: AlertRule['op'], value: number, threshold: number) =>
  op === '>' ? value > threshold : op === '>=' ? value >= threshold : op === '<' ? value < threshold : value <= threshold;

/**
 * One evaluation at `now`, as Prometheus evaluates alerting rules: a condition that starts holding makes the alert
 * pending; after `forMs` it fires (one `fired` transition, deduplicated while it stays active); when the condition
 * no longer holds (or the window has no such value) a firing alert resolves and a pending one is dropped.
 */
export function evaluateAlerts(
  rules: readonly AlertRule[],
  observations: readonly AlertObservation[],
  previous: readonly AlertState[],
  now: number,
): AlertEvaluation {
  const before = new Map(previous.map((state) => [state.key, state]));
  const states: AlertState[] = [];
  const transitions: AlertTransition[] = [];
  const active = new Set<string>();
  for (const rule of rules) {
    const matching = observations.filter(
      (observation) =>
        observation.metric === rule.metric &&
        Number.isFinite(observation.value) &&
        (rule.metric === 'quality'
          ? observation.column === rule.column
          : rule.metric !== 'column_score' || rule.column === undefined || observation.column === rule.column),
    );
    for (const observation of matching) {
      if (!holds(rule.op, observation.value, rule.threshold)) continue;
      const column = rule.metric === 'column_score' ? (observation.column ?? null) : null;
      const key = column === null ? rule.name : `${rule.name}:${column}`;
      if (active.has(key)) continue;
      active.add(key);
      const old = before.get(key);
      const activeSince = old?.activeSince ?? now;
      const firing = old?.state === 'firing' || now - activeSince >= rule.forMs;
      const firedAt = old?.state === 'firing' ? old.firedAt : firing ? now : null;
      states.push({ rule: rule.name, key, column, state: firing ? 'firing' : 'pending', activeSince, firedAt, value: observation.value });
      if (firing && old?.state !== 'firing') {
        transitions.push({
          kind: 'fired',
          rule: rule.name,
          key,
          column,
          severity: rule.severity,
          value: observation.value,
          at: now,
          activeSince,
        });
      }
    }
  }
  const severities = new Map(rules.map((rule) => [rule.name, rule.severity]));
  for (const old of previous) {
    if (active.has(old.key) || old.state !== 'firing') continue;
    transitions.push({
      kind: 'resolved',
      rule: old.rule,
      key: old.key,
      column: old.column,
      severity: severities.get(old.rule) ?? 'warning',
      value: null,
      at: now,
      activeSince: old.activeSince,
    });
  }
  return { states, transitions };
}
