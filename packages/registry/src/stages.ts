import { MlpError } from '@mlp/core';
import { type Stage, stages } from './model.js';

/**
 * MLflow's stages, deprecated since MLflow 2.9, live on as aliases: a version in `Production` is the
 * one the `production` alias points at. So a stage holds one version at a time (MLflow's
 * `archive_existing_versions=true` is always in effect) and `Archived` only takes a version off both.
 */
export const stageAliases = { Production: 'production', Staging: 'staging' } as const;

/** Stage names as MLflow accepts them: any case (`production`, `PRODUCTION`). */
export function parseStage(value: string): Stage {
  const found = stages.find((stage) => stage.toLowerCase() === value.toLowerCase());
  if (!found) throw new MlpError('INVALID_ARGUMENT', `Invalid stage ${JSON.stringify(value)}: use one of ${stages.join(', ')}.`);
  return found;
}

/** The alias a stage maps onto, or undefined for `None` and `Archived`. */
export function aliasForStage(stage: Stage): string | undefined {
  return stage === 'Production' || stage === 'Staging' ? stageAliases[stage] : undefined;
}

/** A version's stage from the aliases it holds: Production wins over Staging. */
export function stageFromAliases(aliases: readonly string[]): Stage {
  if (aliases.includes(stageAliases.Production)) return 'Production';
  if (aliases.includes(stageAliases.Staging)) return 'Staging';
  return 'None';
}
