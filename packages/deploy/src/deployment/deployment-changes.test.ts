import { describe, expect, it } from 'vitest';
import { rollbackChange, rolloutChange } from './deployment-changes.js';
import { deploymentSpecSchema } from './deployment-spec.js';
import type { DeploymentRecord, RevisionRecord } from './deployment-store.js';
import { splitChange } from './traffic-split.js';

const revision = (
  revision: number,
  modelVersion: number,
  weight: number,
  status: RevisionRecord['status'],
  variant: string | null = null,
): RevisionRecord => ({
  revision,
  modelVersion,
  weight,
  status,
  variant,
  step: 0,
  stepStartedTime: null,
  analysisRounds: 0,
  createdTime: 0,
  updatedTime: 0,
});

const deployment = (revisions: RevisionRecord[], status: DeploymentRecord['status'] = 'healthy'): DeploymentRecord => ({
  name: 'flights',
  spec: deploymentSpecSchema.parse({ name: 'flights', model: 'models:/flights@champion' }),
  modelName: 'flights',
  alias: 'champion',
  status,
  endpoint: null,
  generation: 1,
  createdTime: 0,
  updatedTime: 0,
  revisions,
});

describe('deployment changes', () => {
  it('a rollback during a rollout returns all traffic to stable and marks the canary rolled back', () => {
    const change = rollbackChange(deployment([revision(1, 1, 90, 'stable'), revision(2, 2, 10, 'progressing')], 'progressing'), {
      reason: 'analysis failed',
      automatic: true,
    });
    expect(change.revisions).toEqual([
      { revision: 1, status: 'stable', weight: 100 },
      { revision: 2, status: 'rolled_back', weight: 0 },
    ]);
    expect(change.history).toMatchObject({ action: 'rolled_back', fromVersion: 2, toVersion: 1, reason: 'analysis failed' });
  });

  it('a rollback by hand with nothing in progress goes to the revision before stable, skipping rolled-back ones', () => {
    const change = rollbackChange(
      deployment([revision(1, 1, 0, 'superseded'), revision(2, 2, 0, 'rolled_back'), revision(3, 3, 100, 'stable')]),
      { reason: 'drill', automatic: false },
    );
    expect(change.revisions).toEqual([
      { revision: 1, status: 'stable', weight: 100 },
      { revision: 3, status: 'rolled_back', weight: 0 },
    ]);
    expect(() => rollbackChange(deployment([revision(1, 1, 100, 'stable')]), { reason: 'x', automatic: false })).toThrow(
      /no earlier revision to roll back to from revision 1: give one with --to REVISION/,
    );
  });

  it('a promotion adds one revision; the same version again (a redelivered event) adds none; a newer one supersedes the rollout', () => {
    const healthy = deployment([revision(1, 1, 100, 'stable')]);
    expect(rolloutChange(healthy, 1, 'again')).toBeUndefined();
    expect(rolloutChange(healthy, 2, 'promoted')?.addRevision).toEqual({ modelVersion: 2, weight: 0, status: 'progressing' });
    const rolling = deployment([revision(1, 1, 90, 'stable'), revision(2, 2, 10, 'progressing')], 'progressing');
    expect(rolloutChange(rolling, 2, 'again')).toBeUndefined();
    expect(rolloutChange(rolling, 3, 'newer')?.revisions).toEqual([
      { revision: 2, status: 'superseded', weight: 0 },
      { revision: 1, weight: 100 },
    ]);
  });

  it('an A/B split change adds a revision only for the variant whose version moved', () => {
    const ab = deployment([revision(1, 1, 70, 'stable', 'champion'), revision(2, 2, 30, 'stable', 'challenger')]);
    const same = [
      { variant: 'champion', modelVersion: 1, weight: 70 },
      { variant: 'challenger', modelVersion: 2, weight: 30 },
    ];
    expect(splitChange(ab, same, 'nothing')).toBeUndefined();
    const change = splitChange(ab, [same[0] as (typeof same)[number], { variant: 'challenger', modelVersion: 3, weight: 30 }], 'moved');
    expect(change?.addRevisions).toEqual([{ variant: 'challenger', modelVersion: 3, weight: 30, status: 'stable' }]);
    expect(change?.revisions).toEqual([{ revision: 2, weight: 0, status: 'superseded' }]);
  });
});
