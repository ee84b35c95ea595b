import type { DeploymentSpec } from '../deployment/deployment-spec.js';

/**
 * The traffic weight (percent) of the new revision at each step of a rollout:
 * - canary: the spec's steps, ending at 100;
 * - blue-green: one step, the whole traffic at once (the old revision keeps running until it passes);
 * - rolling: one step per replica, each replacing one old server by a new one (k of N servers new).
 */
export function rolloutWeights(spec: Pick<DeploymentSpec, 'strategy' | 'steps' | 'replicas'>): number[] {
  switch (spec.strategy) {
    case 'canary': {
      const steps = [...spec.steps];
      if (steps.at(-1) !== 100) steps.push(100);
      return steps;
    }
    case 'blue-green':
      return [100];
    case 'rolling':
      return Array.from({ length: spec.replicas }, (_, index) => Math.round(((index + 1) * 10_000) / spec.replicas) / 100);
  }
}

/**
 * How many servers the new and the stable revision have at a step (-1: before the first). Canary and
 * blue-green run the new revision at full size from the start (the stable one stays whole until the
 * rollout ends); rolling adds one new server per step and removes one old one after it.
 */
export function replicasAt(spec: Pick<DeploymentSpec, 'strategy' | 'replicas'>, step: number): { next: number; stable: number } {
  if (spec.strategy !== 'rolling') return { next: spec.replicas, stable: spec.replicas };
  const added = Math.min(spec.replicas, Math.max(step, 0) + 1);
  return { next: added, stable: step < 0 ? spec.replicas : spec.replicas - added };
}

/** Whether a step waits an interval and an analysis before the next (rolling without analysis moves on when ready). */
export function stepWaits(spec: Pick<DeploymentSpec, 'strategy' | 'analysis'>): boolean {
  return spec.strategy !== 'rolling' || spec.analysis.length > 0;
}
