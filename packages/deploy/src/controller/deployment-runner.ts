import { type Logger, toMlpError, type Workspace } from '@mlp/core';
import { parseAnalysisConditions } from '../analysis/analysis-condition.js';
import { type AnalysisProbe, prometheusProbe, scrapeProbe } from '../analysis/analysis-probe.js';
import { progressingOf, promoteChange, rollbackChange, stableOf } from '../deployment/deployment-changes.js';
import { changeDeployment, type DeploymentChange, type DeploymentRecord, type RevisionRecord } from '../deployment/deployment-store.js';
import { type LaunchServer, type LocalDeployment, startLocalDeployment } from '../local/local-deployment.js';
import { replicasAt, rolloutWeights, stepWaits } from './rollout-plan.js';

export interface DeploymentRunnerOptions {
  workspace: Workspace;
  launch: (deployment: DeploymentRecord) => LaunchServer;
  logger: Logger;
  /** The router's host (default 127.0.0.1). */
  host?: string;
  now?: () => number;
}

/**
 * Drives one local deployment towards what the store says: its router and servers, the traffic split,
 * and the rollout's steps (interval, analysis, next step, promotion or automatic rollback). Everything
 * it decides is written to the store before it acts on traffic, so a restarted controller resumes from
 * the store: it only loses the current interval's measurements and measures that interval again.
 */
export class DeploymentRunner {
  private local: LocalDeployment | undefined;
  private probe: { revision: number; step: number; probe: AnalysisProbe; startedAt: number } | undefined;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly options: DeploymentRunnerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get url(): string | undefined {
    return this.local?.url;
  }

  /** One reconciliation pass; returns the deployment as it stands after it. */
  async tick(record: DeploymentRecord): Promise<DeploymentRecord> {
    const local = await this.ensureLocal(record);
    let current = record;
    if (current.endpoint !== local.url) current = await this.change({ endpoint: local.url });
    await this.applyTraffic(current);
    const next = progressingOf(current);
    if (!next && current.status === 'progressing')
      // An A/B deployment's variants (or revisions rolled back to by hand) now all have their servers.
      return this.change((now) =>
        now.status === 'progressing' && !progressingOf(now)
          ? {
              status: 'healthy',
              history: { action: 'rolled_out', fromVersion: null, toVersion: null, reason: 'every revision with traffic is serving' },
              event: { type: 'rolled_out', payload: {} },
            }
          : undefined,
      );
    if (!next || current.status === 'paused') return current;
    return this.advance(current, next);
  }

  async close(): Promise<void> {
    const local = this.local;
    this.local = undefined;
    await local?.close();
  }

  private async ensureLocal(record: DeploymentRecord): Promise<LocalDeployment> {
    if (!this.local)
      this.local = await startLocalDeployment({
        name: record.name,
        host: this.options.host ?? '127.0.0.1',
        ...(record.spec.port !== undefined && { port: record.spec.port }),
        stickyHeader: record.spec.stickyHeader,
        launch: this.options.launch(record),
        logger: this.options.logger,
      });
    return this.local;
  }

  private change(change: DeploymentChange | ((current: DeploymentRecord) => DeploymentChange | undefined)) {
    return changeDeployment(this.options.workspace, this.name, change, this.now());
  }

  /** Servers for every revision with traffic (started first), then the split, then the others stopped. */
  private async applyTraffic(record: DeploymentRecord): Promise<void> {
    const local = this.local as LocalDeployment;
    const stable = stableOf(record);
    const next = progressingOf(record);
    const want = new Map<number, number>();
    for (const rev of record.revisions) if (rev.weight > 0) want.set(rev.revision, record.spec.replicas);
    if (stable && next && next.step >= 0) {
      const counts = replicasAt(record.spec, next.step);
      want.set(next.revision, counts.next);
      if (counts.stable > 0 || next.weight < 100) want.set(stable.revision, Math.max(counts.stable, 1));
      else want.delete(stable.revision);
    }
    const byRevision = new Map(record.revisions.map((rev) => [rev.revision, rev]));
    await Promise.all(
      [...want].map(([revision, count]) =>
        local.replicas(revision) < count ? local.scale(byRevision.get(revision) as RevisionRecord, count) : undefined,
      ),
    );
    local.setWeights(
      record.revisions
        .filter((rev) => rev.weight > 0)
        .map((rev) => ({ revision: rev.revision, weight: rev.weight, ...(rev.variant !== null && { variant: rev.variant }) })),
    );
    const keep = new Set(want.keys());
    if (next) keep.add(next.revision);
    await Promise.all(
      local.revisions().map((revision) => {
        const count = keep.has(revision) ? (want.get(revision) ?? local.replicas(revision)) : 0;
        return local.replicas(revision) > count ? local.scale(byRevision.get(revision) ?? { revision, modelVersion: 0 }, count) : undefined;
      }),
    );
  }

  private async advance(record: DeploymentRecord, next: RevisionRecord): Promise<DeploymentRecord> {
    const local = this.local as LocalDeployment;
    const spec = record.spec;
    const stable = stableOf(record);
    const weights = rolloutWeights(spec);
    if (next.step < 0) {
      // Starting: the new revision's servers, before any traffic.
      const count = stable ? replicasAt(spec, -1).next : spec.replicas;
      try {
        await local.scale(next, count);
      } catch (error) {
        return this.failStart(next, toMlpError(error).message);
      }
      if (!stable) {
        // Nothing served before: traffic goes to it as the store says it is healthy, not after.
        local.setWeights([{ revision: next.revision, weight: 100 }]);
        return this.change(promoteChange(record, next, 'first revision: its servers are ready'));
      }
      return this.moveTo(record, next, 0, weights);
    }
    if (!this.probe || this.probe.revision !== next.revision || this.probe.step !== next.step) await this.startProbe(record, next);
    const probe = this.probe as NonNullable<DeploymentRunner['probe']>;
    if (stepWaits(spec) && this.now() - probe.startedAt < spec.intervalMs) return record;
    const result = spec.analysis.length > 0 ? await probe.probe.evaluate() : { outcome: 'pass' as const, results: [], reason: null };
    probe.startedAt = this.now();
    const details = { step: next.step, weight: next.weight, outcome: result.outcome, results: result.results };
    if (result.outcome === 'fail') {
      this.probe = undefined;
      const after = await this.change((current) => {
        const still = progressingOf(current);
        if (still?.revision !== next.revision) return undefined;
        const change = rollbackChange(current, { reason: result.reason ?? 'analysis failed', automatic: true });
        return {
          ...change,
          revisions: [...(change.revisions ?? []), { revision: next.revision, countAnalysisRound: true }],
          history: change.history && { ...change.history, details: { ...change.history.details, analysis: details } },
        };
      });
      this.options.logger.warn(`deployment '${this.name}': revision ${next.revision} rolled back: ${result.reason}`);
      await this.applyTraffic(after);
      return after;
    }
    if (result.outcome === 'inconclusive') {
      return this.change({ revisions: [{ revision: next.revision, countAnalysisRound: true }] });
    }
    if (next.step + 1 >= weights.length) {
      this.probe = undefined;
      const after = await this.change((current) => {
        const still = progressingOf(current);
        if (still?.revision !== next.revision) return undefined;
        const change = promoteChange(current, still, spec.analysis.length > 0 ? 'every analysis passed' : 'every step done');
        return {
          ...change,
          revisions: [...(change.revisions ?? []), { revision: next.revision, countAnalysisRound: spec.analysis.length > 0 }],
          ...(change.history && spec.analysis.length > 0
            ? { history: { ...change.history, details: { ...change.history.details, analysis: details } } }
            : {}),
        };
      });
      await this.applyTraffic(after);
      return after;
    }
    return this.moveTo(record, next, next.step + 1, weights, spec.analysis.length > 0 ? details : undefined);
  }

  /**
   * The new revision at `step`: its servers first (rolling adds one), then its weight, then the old servers trimmed.
   * `analysis` is the passed analysis that allowed the move, kept in the history with what it measured.
   */
  private async moveTo(record: DeploymentRecord, next: RevisionRecord, step: number, weights: number[], analysis?: object) {
    const analysed = analysis !== undefined;
    const local = this.local as LocalDeployment;
    const stable = stableOf(record);
    const counts = replicasAt(record.spec, step);
    try {
      await local.scale(next, counts.next);
    } catch (error) {
      return this.failStart(next, toMlpError(error).message);
    }
    const weight = weights[step] as number;
    const after = await this.change((current) => {
      const still = progressingOf(current);
      if (still?.revision !== next.revision || still.step !== next.step) return undefined;
      return {
        revisions: [
          { revision: next.revision, weight, step, stepStartedTime: this.now(), countAnalysisRound: analysed },
          ...(stable ? [{ revision: stable.revision, weight: 100 - weight }] : []),
        ],
        history: {
          action: 'step',
          fromVersion: stable?.modelVersion ?? null,
          toVersion: next.modelVersion,
          reason: `step ${step + 1} of ${weights.length}: ${weight}% of traffic to revision ${next.revision}`,
          details: { step, weight, ...(analysis ? { analysis } : {}) },
        },
        event: { type: 'step', payload: { revision: next.revision, step, weight } },
      };
    });
    await this.applyTraffic(after);
    const moved = progressingOf(after);
    if (moved) await this.startProbe(after, moved);
    return after;
  }

  private async startProbe(record: DeploymentRecord, next: RevisionRecord): Promise<void> {
    const conditions = parseAnalysisConditions(record.spec.analysis);
    const probe = record.spec.prometheusUrl
      ? prometheusProbe(conditions, record.spec.prometheusUrl, { model: record.modelName, version: String(next.modelVersion) })
      : scrapeProbe(conditions, () => this.local?.urls(next.revision) ?? []);
    if (conditions.length > 0) await probe.begin();
    this.probe = { revision: next.revision, step: next.step, probe, startedAt: this.now() };
  }

  /** A revision whose servers did not start: back to stable (or, with none, the deployment is degraded). */
  private async failStart(next: RevisionRecord, why: string): Promise<DeploymentRecord> {
    this.probe = undefined;
    const reason = `revision ${next.revision} (version ${next.modelVersion}) did not start: ${why}`;
    this.options.logger.warn(`deployment '${this.name}': ${reason}`);
    const after = await this.change((current) => {
      if (progressingOf(current)?.revision !== next.revision) return undefined;
      if (stableOf(current)) return rollbackChange(current, { reason, automatic: true });
      return {
        status: 'degraded',
        revisions: [{ revision: next.revision, status: 'failed', weight: 0 }],
        history: { action: 'failed', fromVersion: null, toVersion: next.modelVersion, reason },
        event: { type: 'failed', payload: { revision: next.revision, version: next.modelVersion, reason } },
      };
    });
    await this.applyTraffic(after);
    return after;
  }
}
