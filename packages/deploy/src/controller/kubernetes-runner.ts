import { type BackoffOptions, backoffDelay, type Logger, MlpError, toMlpError, type Workspace } from '@mlp/core';
import { progressingOf, promoteChange, rollbackChange, stableOf } from '../deployment/deployment-changes.js';
import { changeDeployment, type DeploymentChange, type DeploymentRecord } from '../deployment/deployment-store.js';
import { createKubernetesTarget, type KubernetesDeploymentTarget, type KubernetesTargetOptions } from '../kubernetes/kubernetes-target.js';

export interface KubernetesRunnerOptions {
  workspace: Workspace;
  logger: Logger;
  /** The target's options (kubeconfig: the agent's KUBECONFIG by default; poll and timeout of the rollout wait). */
  target?: KubernetesTargetOptions;
  /** How long passes are skipped after the cluster failed (core's backoff: 1 s doubling up to 2 min by default). */
  backoff?: BackoffOptions;
  /** The clock and the backoff's jitter (tests). */
  now?: () => number;
  random?: () => number;
}

const defaultBackoff: BackoffOptions = { baseDelayMs: 1000, maxDelayMs: 120_000 };

/**
 * Drives one `target: kubernetes` deployment towards what the store says: a progressing revision is
 * rolled out on the cluster (the workload's own strategy does the steps) and recorded as rolled out,
 * rolled back (the target re-applied the version before it) or failed; a stable revision the cluster
 * does not serve (a rollback by hand) is applied again.
 */
export class KubernetesRunner {
  private target: KubernetesDeploymentTarget | undefined;
  private specKey = '';
  private readonly stop = new AbortController();
  /** Passes that failed in a row, and when the next may talk to the cluster. */
  private failures = 0;
  private retryAt = 0;

  constructor(
    readonly name: string,
    private readonly options: KubernetesRunnerOptions,
  ) {}

  get url(): string | undefined {
    return undefined;
  }

  /** One reconciliation pass; returns the deployment as it stands after it (as it was when the runner is closed meanwhile). */
  async tick(record: DeploymentRecord): Promise<DeploymentRecord> {
    const now = this.options.now ?? Date.now;
    // After a failure (the cluster unreachable, refusing, overloaded) passes wait out a backoff instead of calling it every poll.
    if (now() < this.retryAt) return record;
    try {
      const after = await this.drive(record);
      this.failures = 0;
      this.retryAt = 0;
      return after;
    } catch (error) {
      if (this.stop.signal.aborted) return record; // closed: the next controller resumes from the store
      const failure = toMlpError(error);
      if (failure.code === 'NOT_FOUND') throw failure; // deleted meanwhile
      const delay = backoffDelay(this.failures, this.options.backoff ?? defaultBackoff, this.options.random);
      this.failures++;
      this.retryAt = now() + delay;
      throw new MlpError(
        failure.code,
        `${failure.message} (failure ${this.failures} in a row; the next attempt in ${(delay / 1000).toFixed(1)} s)`,
        { cause: error },
      );
    }
  }

  private async drive(record: DeploymentRecord): Promise<DeploymentRecord> {
    const target = this.targetOf(record);
    const next = progressingOf(record);
    if (next) {
      if (record.status === 'paused') return record;
      const result = await target.rollout({ modelVersion: next.modelVersion }, { signal: this.stop.signal });
      return this.change((current) => {
        const still = progressingOf(current);
        if (still?.revision !== next.revision) return undefined;
        if (result.status === 'succeeded') return promoteChange(current, still, 'the Kubernetes rollout finished');
        const reason = `the Kubernetes rollout of version ${next.modelVersion} failed: ${result.reason ?? 'no reason given'}`;
        this.options.logger.warn(`deployment '${this.name}': ${reason}`);
        if (result.status === 'rolled_back' && stableOf(current)) return rollbackChange(current, { reason, automatic: true });
        return {
          status: 'degraded',
          revisions: [{ revision: next.revision, status: 'failed', weight: 0 }],
          history: { action: 'failed', fromVersion: null, toVersion: next.modelVersion, reason },
          event: { type: 'failed', payload: { revision: next.revision, version: next.modelVersion, reason } },
        };
      });
    }
    const stable = stableOf(record);
    if (!stable) return record;
    const live = await target.status();
    if (live?.modelVersion === undefined || live.modelVersion === String(stable.modelVersion)) return record;
    // The store's stable revision is not what the cluster serves: a rollback by hand (`mlp deploy rollback`).
    const result = await target.rollback({ modelVersion: stable.modelVersion }, { signal: this.stop.signal });
    if (result.status !== 'succeeded')
      this.options.logger.warn(
        `deployment '${this.name}': applying version ${stable.modelVersion} again did not finish: ${result.reason ?? result.workload.phase}`,
      );
    return record;
  }

  /** Stops waiting for a rollout (the cluster goes on; the store still says progressing, so it is resumed). */
  async close(): Promise<void> {
    this.stop.abort();
    this.target = undefined;
  }

  private targetOf(record: DeploymentRecord): KubernetesDeploymentTarget {
    const key = JSON.stringify(record.spec);
    if (!this.target || key !== this.specKey) {
      const kubeconfig = record.spec.kubeconfig ?? this.options.target?.kubeconfig;
      this.target = createKubernetesTarget(record.spec, { ...this.options.target, ...(kubeconfig !== undefined && { kubeconfig }) });
      this.specKey = key;
    }
    return this.target;
  }

  private change(change: DeploymentChange | ((current: DeploymentRecord) => DeploymentChange | undefined)) {
    return changeDeployment(this.options.workspace, this.name, change);
  }
}
