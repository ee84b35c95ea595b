import { MlpError } from '@mlp/core';
import type { StepDefinition } from './pipeline-types.js';

/**
 * Checks the step graph before anything runs: every need names a step, a map step's `over` is one of
 * them, and there is no cycle (the error names one, `a → b → a`). A typed builder cannot make these
 * mistakes, but a plain JavaScript module can.
 */
export function validatePipelineGraph(pipeline: string, steps: readonly StepDefinition[]): void {
  if (steps.length === 0)
    throw new MlpError('INVALID_ARGUMENT', `pipeline '${pipeline}' has no steps; add one with .step(name, options, fn).`);
  const byName = new Map(steps.map((step) => [step.name, step]));
  for (const step of steps)
    for (const need of step.needs)
      if (!byName.has(need))
        throw new MlpError(
          'INVALID_ARGUMENT',
          `step '${step.name}' of pipeline '${pipeline}' needs '${need}', which is not a step of it (steps: ${[...byName.keys()].join(', ')}).`,
        );
  const cycle = findCycle(steps, byName);
  if (cycle)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `pipeline '${pipeline}' has a cycle: ${cycle.join(' → ')}; a step cannot depend on itself through others.`,
    );
}

function findCycle(steps: readonly StepDefinition[], byName: Map<string, StepDefinition>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const need of byName.get(name)?.needs ?? []) {
      const found = visit(need);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const step of steps) {
    const found = visit(step.name);
    if (found) return found.reverse();
  }
  return undefined;
}

/** The steps in an order where each comes after every step it needs. */
export function topologicalOrder(steps: readonly StepDefinition[]): StepDefinition[] {
  const byName = new Map(steps.map((step) => [step.name, step]));
  const ordered: StepDefinition[] = [];
  const placed = new Set<string>();
  const place = (step: StepDefinition): void => {
    if (placed.has(step.name)) return;
    placed.add(step.name);
    for (const need of step.needs) place(byName.get(need)!);
    ordered.push(step);
  };
  for (const step of steps) place(step);
  return ordered;
}
