import { MlpError } from '@mlp/core';
import { type Stage, stages } from './model.js';

/**
 * MLflow's stages (deprecated since MLflow 2.9) are a column of each version, independent of aliases,
 * as in MLflow: a transition never moves an alias and an alias never changes a stage. A transition
 * to Production or Staging is a promotion, though: the gates that guard these names guard it.
 */
export const stageAliases = { Production: 'production', Staging: 'staging' } as const;

/** The stages MLflow calls active: only these can archive the versions already in them. */
export const activeStages = ['Staging', 'Production'] as const satisfies readonly Stage[];

/** Stage names as MLflow accepts them: any case (`production`, `PRODUCTION`). */
export function parseStage(value: string): Stage {
  const found = stages.find((stage) => stage.toLowerCase() === value.toLowerCase());
  if (!found) throw new MlpError('INVALID_ARGUMENT', `Invalid stage ${JSON.stringify(value)}: use one of ${stages.join(', ')}.`);
  return found;
}

/** The name gates list (`aliases: ['production']`) to guard transitions to an active stage; undefined for `None` and `Archived`. */
export function stageGateScope(stage: Stage): string | undefined {
  return stage === 'Production' || stage === 'Staging' ? stageAliases[stage] : undefined;
}
