import { MlpError } from '@mlp/core';
import type { DeploymentChange, DeploymentRecord, RevisionRecord } from './deployment-store.js';

export const stableOf = (deployment: DeploymentRecord): RevisionRecord | undefined =>
  deployment.revisions.find((rev) => rev.status === 'stable');
export const progressingOf = (deployment: DeploymentRecord): RevisionRecord | undefined =>
  deployment.revisions.findLast((rev) => rev.status === 'progressing');

/**
 * Traffic back to a known-good revision: by default the stable one (a rollout in progress is stopped),
 * or, with nothing in progress, the revision before the stable one; `toRevision` picks any earlier
 * revision. The revisions left get no traffic; the controller starts the target's servers first if it
 * has none, then switches, then stops the others.
 */
export function rollbackChange(
  deployment: DeploymentRecord,
  options: { toRevision?: number; reason: string; automatic: boolean },
): DeploymentChange {
  const stable = stableOf(deployment);
  const progressing = progressingOf(deployment);
  let target: RevisionRecord | undefined;
  if (options.toRevision !== undefined) {
    target = deployment.revisions.find((rev) => rev.revision === options.toRevision);
    if (!target)
      throw new MlpError(
        'NOT_FOUND',
        `Deployment '${deployment.name}' has no revision ${options.toRevision}: see its revisions with \`mlp deploy show ${deployment.name}\`.`,
      );
  } else if (progressing && stable) target = stable;
  else {
    const current = stable ?? progressing;
    const earlier = current
      ? deployment.revisions.filter((rev) => rev.revision < current.revision && rev.status !== 'rolled_back' && rev.status !== 'failed')
      : [];
    target = earlier.at(-1);
  }
  const from = progressing ?? stable;
  if (!target || !from || target.revision === from.revision)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Deployment '${deployment.name}' has no earlier revision to roll back to${from ? ` from revision ${from.revision}` : ''}: give one with --to REVISION.`,
    );
  return {
    status: 'rolled_back',
    revisions: deployment.revisions
      .filter((rev) => rev.revision === target.revision || rev.weight > 0 || rev.status === 'progressing' || rev.status === 'stable')
      .map((rev) =>
        rev.revision === target.revision
          ? { revision: rev.revision, status: 'stable' as const, weight: 100 }
          : {
              revision: rev.revision,
              weight: 0,
              status: rev.status === 'progressing' || rev.revision === from.revision ? ('rolled_back' as const) : ('superseded' as const),
            },
      ),
    history: {
      action: 'rolled_back',
      fromVersion: from.modelVersion,
      toVersion: target.modelVersion,
      reason: options.reason,
      details: { from_revision: from.revision, to_revision: target.revision, automatic: options.automatic },
    },
    event: {
      type: 'rolled_back',
      payload: {
        fromRevision: from.revision,
        toRevision: target.revision,
        fromVersion: from.modelVersion,
        toVersion: target.modelVersion,
        reason: options.reason,
        automatic: options.automatic,
      },
    },
  };
}

/** A new revision of `version` to roll out; one still in progress is superseded (its traffic returns to stable). */
export function rolloutChange(deployment: DeploymentRecord, version: number, reason: string): DeploymentChange | undefined {
  const stable = stableOf(deployment);
  const progressing = progressingOf(deployment);
  if (progressing?.modelVersion === version) return undefined;
  if (!progressing && stable?.modelVersion === version) return undefined;
  return {
    status: deployment.status === 'paused' ? 'paused' : 'progressing',
    addRevision: { modelVersion: version, weight: 0, status: 'progressing' },
    revisions: [
      ...(progressing ? [{ revision: progressing.revision, status: 'superseded' as const, weight: 0 }] : []),
      ...(progressing && stable ? [{ revision: stable.revision, weight: 100 }] : []),
    ],
    history: { action: 'rollout_started', fromVersion: stable?.modelVersion ?? null, toVersion: version, reason },
    event: { type: 'rollout_started', payload: { fromVersion: stable?.modelVersion ?? null, toVersion: version, reason } },
  };
}

/** The new revision takes all traffic and becomes stable; the old stable one is superseded. */
export function promoteChange(deployment: DeploymentRecord, next: RevisionRecord, reason: string): DeploymentChange {
  const stable = stableOf(deployment);
  return {
    status: 'healthy',
    revisions: [
      { revision: next.revision, status: 'stable', weight: 100 },
      ...(stable ? [{ revision: stable.revision, status: 'superseded' as const, weight: 0 }] : []),
    ],
    history: { action: 'rolled_out', fromVersion: stable?.modelVersion ?? null, toVersion: next.modelVersion, reason },
    event: {
      type: 'rolled_out',
      payload: { revision: next.revision, fromVersion: stable?.modelVersion ?? null, toVersion: next.modelVersion },
    },
  };
}
