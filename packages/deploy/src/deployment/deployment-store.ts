import { MlpError, type Workspace } from '@mlp/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import { deployments, history, revisions } from './deployment-schema.js';
import type { DeploymentSpec } from './deployment-spec.js';

/** What a deployment is doing: rolling a revision out, serving one, held, or back on stable after a failed rollout. */
export type DeploymentStatus = 'progressing' | 'healthy' | 'paused' | 'rolled_back' | 'degraded';
/** A revision's part: being rolled out, serving, replaced by a later one, or rolled back. */
export type RevisionStatus = 'progressing' | 'stable' | 'superseded' | 'rolled_back' | 'failed';

export interface RevisionRecord {
  revision: number;
  modelVersion: number;
  /** Percent of traffic, 0–100. */
  weight: number;
  status: RevisionStatus;
  /** Index of the rollout step the revision is at; -1 until its servers are ready. */
  step: number;
  stepStartedTime: number | null;
  analysisRounds: number;
  /** A/B: the traffic split's alias this revision serves. */
  variant: string | null;
  createdTime: number;
  updatedTime: number;
}

export interface HistoryEntry {
  at: number;
  action: string;
  fromVersion: number | null;
  toVersion: number | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}

export interface DeploymentRecord {
  name: string;
  spec: DeploymentSpec;
  modelName: string;
  alias: string | null;
  status: DeploymentStatus;
  endpoint: string | null;
  generation: number;
  createdTime: number;
  updatedTime: number;
  revisions: RevisionRecord[];
}

const migrated = new WeakMap<Workspace, Promise<void>>();

/** Applies the deploy tables' migrations once per workspace (the CLI applies them itself). */
export function ensureDeployTables(workspace: Workspace): Promise<void> {
  let done = migrated.get(workspace);
  if (!done) {
    done = workspace.migrate(migrations);
    migrated.set(workspace, done);
    done.catch(() => migrated.delete(workspace));
  }
  return done;
}

export function deploymentNotFound(name: string): MlpError {
  return new MlpError('NOT_FOUND', `There is no deployment '${name}': list them with \`mlp deploy ls\`.`);
}

type Row = typeof deployments.$inferSelect;
type RevisionRow = typeof revisions.$inferSelect;

function toRevision(row: RevisionRow): RevisionRecord {
  return {
    revision: row.revision,
    modelVersion: row.modelVersion,
    weight: row.weight,
    status: row.status as RevisionStatus,
    step: row.step,
    stepStartedTime: row.stepStartedTime,
    analysisRounds: row.analysisRounds,
    variant: row.variant,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
  };
}

function toDeployment(row: Row, revisionRows: RevisionRow[]): DeploymentRecord {
  return {
    name: row.name,
    spec: row.spec as DeploymentSpec,
    modelName: row.modelName,
    alias: row.alias,
    status: row.status as DeploymentStatus,
    endpoint: row.endpoint,
    generation: row.generation,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    revisions: revisionRows.map(toRevision),
  };
}

/** The deployment and its revisions (oldest first); undefined when there is none of that name. */
export async function findDeployment(workspace: Workspace, name: string): Promise<DeploymentRecord | undefined> {
  await ensureDeployTables(workspace);
  const db = workspace.db.drizzle;
  const [row] = await db.select().from(deployments).where(eq(deployments.name, name));
  if (!row) return undefined;
  const revs = await db.select().from(revisions).where(eq(revisions.deployment, name)).orderBy(asc(revisions.revision));
  return toDeployment(row, revs);
}

export async function getDeployment(workspace: Workspace, name: string): Promise<DeploymentRecord> {
  const found = await findDeployment(workspace, name);
  if (!found) throw deploymentNotFound(name);
  return found;
}

export async function listDeployments(workspace: Workspace): Promise<DeploymentRecord[]> {
  await ensureDeployTables(workspace);
  const db = workspace.db.drizzle;
  const rows = await db.select().from(deployments).orderBy(asc(deployments.name));
  const revs = await db.select().from(revisions).orderBy(asc(revisions.revision));
  return rows.map((row) =>
    toDeployment(
      row,
      revs.filter((rev) => rev.deployment === row.name),
    ),
  );
}

export async function deploymentHistory(workspace: Workspace, name: string): Promise<HistoryEntry[]> {
  await getDeployment(workspace, name);
  const rows = await workspace.db.drizzle.select().from(history).where(eq(history.deployment, name)).orderBy(asc(history.id));
  return rows.map((row) => ({
    at: row.at,
    action: row.action,
    fromVersion: row.fromVersion,
    toVersion: row.toVersion,
    reason: row.reason,
    details: (row.details as Record<string, unknown> | null) ?? null,
  }));
}

/** A change to one revision: the fields given are set. */
export interface RevisionChange {
  revision: number;
  weight?: number;
  status?: RevisionStatus;
  step?: number;
  stepStartedTime?: number | null;
  /** Adds one to the revision's analysis rounds. */
  countAnalysisRound?: boolean;
}

export interface NewRevision {
  modelVersion: number;
  weight: number;
  status: RevisionStatus;
  step?: number;
  variant?: string | null;
}

/** One recorded change of a deployment: rows, its history line and its durable event, in one transaction. */
export interface DeploymentChange {
  status?: DeploymentStatus;
  endpoint?: string | null;
  /** A revision to add (its number is the next one). */
  addRevision?: NewRevision;
  /** A/B: several revisions to add, numbered in order. */
  addRevisions?: NewRevision[];
  revisions?: RevisionChange[];
  history?: Omit<HistoryEntry, 'at' | 'details'> & { details?: Record<string, unknown> };
  /** `deployment.<event>`, published with `{ name, ...payload }`. */
  event?: { type: string; payload: Record<string, unknown> };
  /** Refuse the change (CONFLICT) unless the deployment is still at this generation. */
  expectGeneration?: number;
}

/**
 * Applies a change under the deployment's row lock and returns the deployment after it. Every state
 * change goes through here, so history and events are written in the same transaction as the rows.
 */
export async function changeDeployment(
  workspace: Workspace,
  name: string,
  change: DeploymentChange | ((current: DeploymentRecord) => DeploymentChange | undefined),
  now = Date.now(),
): Promise<DeploymentRecord> {
  await ensureDeployTables(workspace);
  return workspace.db.transaction(async (tx) => {
    const [row] = await tx.select().from(deployments).where(eq(deployments.name, name)).for('update');
    if (!row) throw deploymentNotFound(name);
    const currentRevs = await tx.select().from(revisions).where(eq(revisions.deployment, name)).orderBy(asc(revisions.revision));
    const current = toDeployment(row, currentRevs);
    const wanted = typeof change === 'function' ? change(current) : change;
    if (!wanted) return current;
    if (wanted.expectGeneration !== undefined && wanted.expectGeneration !== current.generation)
      throw new MlpError('CONFLICT', `Deployment '${name}' changed meanwhile (generation ${current.generation}): read it again and retry.`);
    let added: number | undefined;
    let next = (currentRevs.at(-1)?.revision ?? 0) + 1;
    for (const revision of [...(wanted.addRevision ? [wanted.addRevision] : []), ...(wanted.addRevisions ?? [])]) {
      added ??= next;
      await tx.insert(revisions).values({
        deployment: name,
        revision: next++,
        modelVersion: revision.modelVersion,
        weight: revision.weight,
        status: revision.status,
        step: revision.step ?? -1,
        variant: revision.variant ?? null,
        stepStartedTime: null,
        createdTime: now,
        updatedTime: now,
      });
    }
    for (const rev of wanted.revisions ?? []) {
      const set: Partial<RevisionRow> = { updatedTime: now };
      if (rev.weight !== undefined) set.weight = rev.weight;
      if (rev.status !== undefined) set.status = rev.status;
      if (rev.step !== undefined) set.step = rev.step;
      if (rev.stepStartedTime !== undefined) set.stepStartedTime = rev.stepStartedTime;
      await tx
        .update(revisions)
        .set(rev.countAnalysisRound ? { ...set, analysisRounds: sql`${revisions.analysisRounds} + 1` } : set)
        .where(and(eq(revisions.deployment, name), eq(revisions.revision, rev.revision)));
    }
    await tx
      .update(deployments)
      .set({
        ...(wanted.status !== undefined && { status: wanted.status }),
        ...(wanted.endpoint !== undefined && { endpoint: wanted.endpoint }),
        generation: current.generation + 1,
        updatedTime: now,
      })
      .where(eq(deployments.name, name));
    if (wanted.history)
      await tx.insert(history).values({
        deployment: name,
        at: now,
        action: wanted.history.action,
        fromVersion: wanted.history.fromVersion,
        toVersion: wanted.history.toVersion,
        reason: wanted.history.reason,
        details: { ...(added !== undefined && { revision: added }), ...wanted.history.details },
      });
    if (wanted.event)
      await workspace.events.publish(
        `deployment.${wanted.event.type}`,
        { name, ...(added !== undefined && { revision: added }), ...wanted.event.payload },
        { tx },
      );
    const after = await tx.select().from(deployments).where(eq(deployments.name, name));
    const afterRevs = await tx.select().from(revisions).where(eq(revisions.deployment, name)).orderBy(asc(revisions.revision));
    return toDeployment(after[0] as Row, afterRevs);
  });
}

/** Records a new deployment with its first revision (progressing: the controller starts it) and `deployment.created`. */
export async function insertDeployment(
  workspace: Workspace,
  input: {
    spec: DeploymentSpec;
    modelName: string;
    alias: string | null;
    modelVersion: number;
    webhookSecret: string | null;
    /** A/B: the split's variants, each a first revision (instead of one of `modelVersion`). */
    variants?: Array<{ variant: string; modelVersion: number; weight: number }>;
  },
  now = Date.now(),
): Promise<DeploymentRecord> {
  await ensureDeployTables(workspace);
  const { spec } = input;
  await workspace.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(deployments)
      .values({
        name: spec.name,
        spec,
        modelName: input.modelName,
        alias: input.alias,
        status: 'progressing',
        webhookSecret: input.webhookSecret,
        createdTime: now,
        updatedTime: now,
      })
      .onConflictDoNothing()
      .returning({ name: deployments.name });
    if (inserted.length === 0)
      throw new MlpError(
        'ALREADY_EXISTS',
        `A deployment named '${spec.name}' exists: pick another name, or delete it first with \`mlp deploy delete ${spec.name}\`.`,
      );
    const first = input.variants ?? [{ variant: null, modelVersion: input.modelVersion, weight: 0 }];
    await tx.insert(revisions).values(
      first.map((entry, index) => ({
        deployment: spec.name,
        revision: index + 1,
        modelVersion: entry.modelVersion,
        weight: entry.weight,
        // A/B variants are served as they are (no rollout between them); a single revision is rolled out.
        status: (input.variants ? 'stable' : 'progressing') as RevisionStatus,
        step: -1,
        variant: entry.variant,
        createdTime: now,
        updatedTime: now,
      })),
    );
    await tx.insert(history).values({
      deployment: spec.name,
      at: now,
      action: 'created',
      fromVersion: null,
      toVersion: input.modelVersion,
      reason: `created following ${spec.model}`,
      details: { revision: 1 },
    });
    await workspace.events.publish(
      'deployment.created',
      { name: spec.name, model: spec.model, target: spec.target, strategy: spec.strategy, version: input.modelVersion },
      { tx },
    );
  });
  return getDeployment(workspace, spec.name);
}

/** The webhook secret of a deployment (never shown by `show`). */
export async function deploymentWebhookSecret(workspace: Workspace, name: string): Promise<string | null> {
  await ensureDeployTables(workspace);
  const [row] = await workspace.db.drizzle
    .select({ secret: deployments.webhookSecret })
    .from(deployments)
    .where(eq(deployments.name, name));
  return row?.secret ?? null;
}

/** Removes a deployment and everything recorded about it; `deployment.deleted` tells its controller to stop it. */
export async function removeDeployment(workspace: Workspace, name: string): Promise<void> {
  await ensureDeployTables(workspace);
  await workspace.db.transaction(async (tx) => {
    const removed = await tx.delete(deployments).where(eq(deployments.name, name)).returning({ name: deployments.name });
    if (removed.length === 0) throw deploymentNotFound(name);
    await workspace.events.publish('deployment.deleted', { name }, { tx });
  });
}
