import { MlpError } from '@mlp/core';
import type { Registry } from '@mlp/registry';
import type { DeploymentChange, DeploymentRecord, RevisionChange } from './deployment-store.js';

/** One A/B variant: a registry alias of the split, the version it points at, and its share in percent. */
export interface SplitVariant {
  variant: string;
  modelVersion: number;
  weight: number;
}

export type SplitRegistry = Pick<Registry, 'getTrafficSplit' | 'getModel'>;

/** The registry's weighted alias set `split` of `model`, as variants with their versions and percentages. */
export async function resolveSplit(registry: SplitRegistry, model: string, split: string): Promise<SplitVariant[]> {
  const found = await registry.getTrafficSplit(model, split);
  if (!found)
    throw new MlpError(
      'NOT_FOUND',
      `Model '${model}' has no traffic split '${split}': set one first (registry.setTrafficSplit('${model}', { champion: 90, challenger: 10 }, { split: '${split}' })).`,
    );
  const { aliases } = await registry.getModel(model);
  const serving = found.weights.filter((entry) => entry.weight > 0);
  const total = serving.reduce((sum, entry) => sum + entry.weight, 0);
  return serving.map((entry) => {
    const version = aliases[entry.alias];
    if (version === undefined)
      throw new MlpError(
        'NOT_FOUND',
        `Traffic split '${split}' of '${model}' names alias '${entry.alias}', which no longer exists: set it again.`,
      );
    return { variant: entry.alias, modelVersion: version, weight: Math.round((entry.weight * 10_000) / total) / 100 };
  });
}

/**
 * The change that makes an A/B deployment serve `wanted`: a variant whose alias moved gets a new
 * revision (the controller starts its servers before traffic moves to it), a weight that changed is
 * updated, a variant no longer in the split is superseded. Undefined when nothing changes.
 */
export function splitChange(current: DeploymentRecord, wanted: readonly SplitVariant[], reason: string): DeploymentChange | undefined {
  const live = current.revisions.filter((rev) => rev.status === 'stable');
  const updates: RevisionChange[] = [];
  const added: SplitVariant[] = [];
  for (const variant of wanted) {
    const same = live.find((rev) => rev.variant === variant.variant && rev.modelVersion === variant.modelVersion);
    if (same) {
      if (same.weight !== variant.weight) updates.push({ revision: same.revision, weight: variant.weight });
      continue;
    }
    added.push(variant);
  }
  for (const rev of live) {
    const kept = wanted.some((variant) => variant.variant === rev.variant && variant.modelVersion === rev.modelVersion);
    if (!kept) updates.push({ revision: rev.revision, weight: 0, status: 'superseded' });
  }
  if (updates.length === 0 && added.length === 0) return undefined;
  const variants = wanted.map((variant) => ({ variant: variant.variant, model_version: variant.modelVersion, weight: variant.weight }));
  return {
    status: current.status === 'paused' ? 'paused' : 'healthy',
    addRevisions: added.map((variant) => ({ ...variant, status: 'stable' })),
    revisions: updates,
    history: { action: 'split_changed', fromVersion: null, toVersion: null, reason, details: { variants } },
    event: { type: 'split_changed', payload: { variants } },
  };
}
