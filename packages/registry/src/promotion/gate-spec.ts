import { MlpError } from '@mlp/core';
import { z } from 'zod';
import { assertAlias } from '../alias-name.js';
import type { GateSpec } from './gate-types.js';

const operators = ['>=', '<=', '>', '<', '==', '!='] as const;
export type Operator = (typeof operators)[number];

/** `metrics.auc >= 0.8` → its parts; INVALID_ARGUMENT explains the expected form. */
export function parseMetricExpression(expression: string): { metric: string; operator: Operator; value: number } {
  const match = /^\s*metrics\.([\w./ -]+?)\s*(>=|<=|==|!=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(expression);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid metric gate ${JSON.stringify(expression)}: use metrics.<key> <op> <number> with op one of ${operators.join(' ')}, such as 'metrics.auc >= 0.8'.`,
    );
  }
  return { metric: match[1], operator: match[2] as Operator, value: Number(match[3]) };
}

export function compare(left: number, operator: Operator, right: number): boolean {
  switch (operator) {
    case '>=':
      return left >= right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '<':
      return left < right;
    case '==':
      return left === right;
    case '!=':
      return left !== right;
  }
}

const aliases = z.array(z.string()).optional();
const gateSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('metric'), expression: z.string(), aliases }).strict(),
  z
    .object({
      type: z.literal('beats-current'),
      metric: z.string().min(1),
      margin: z.number().finite().min(0).optional(),
      direction: z.enum(['higher', 'lower']).optional(),
      aliases,
    })
    .strict(),
  z.object({ type: z.literal('signature-compatible'), aliases }).strict(),
  z.object({ type: z.literal('data-validated'), tag: z.string().min(1).optional(), aliases }).strict(),
  z.object({ type: z.literal('check'), name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional(), aliases }).strict(),
]);

/** Checks gate specs (as read from JSON or given by a caller); a string is shorthand for a metric gate. */
export function parseGateSpecs(input: unknown): GateSpec[] {
  const list = Array.isArray(input) ? input : [input];
  return list.map((raw, index) => {
    const candidate = typeof raw === 'string' ? { type: 'metric', expression: raw } : raw;
    const parsed = gateSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid gate #${index + 1} ${JSON.stringify(raw)}: ${issue?.path.join('.') || 'gate'} ${issue?.message ?? ''}. ` +
          'Gate types: metric {expression}, beats-current {metric, margin?, direction?}, signature-compatible, data-validated {tag?}, check {name, options?}.',
      );
    }
    const gate = parsed.data as GateSpec;
    if (gate.type === 'metric') parseMetricExpression(gate.expression);
    for (const alias of gate.aliases ?? []) assertAlias(alias);
    return gate;
  });
}

/** A short human label for a gate, used in outcomes and CLI output. */
export function gateLabel(gate: GateSpec): string {
  switch (gate.type) {
    case 'metric':
      return gate.expression.trim();
    case 'beats-current':
      return `beats current on ${gate.metric}${gate.margin ? ` by ${gate.margin}` : ''} (${gate.direction ?? 'higher'} is better)`;
    case 'signature-compatible':
      return 'signature compatible with current';
    case 'data-validated':
      return `training data validated (${gate.tag ?? 'mlp.validation.success'})`;
    case 'check':
      return `check ${gate.name}`;
  }
}
