import { MlpError, type Workspace } from '@mlp/core';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import { labels } from '../store/label-schema.js';

/** A true value that arrived for one prediction, found by the request id the prediction log holds. */
export interface GroundTruth {
  /** The request id; `<id>#<i>` for the i-th row (from 0) of a request that sent several rows. */
  requestId: string;
  /** The true class or value. */
  label: string | number | boolean;
  /** When the labelled event happened, epoch ms (optional). */
  at?: number;
}

export interface LabelStore {
  /** Stores labels of a deployment; a label for a request id already labelled replaces it. Returns how many were written. */
  add(deployment: string, truths: Iterable<GroundTruth>): Promise<number>;
  /** The labels of these request ids that exist (absent ids are left out). */
  get(deployment: string, requestIds: readonly string[]): Promise<Map<string, string | number | boolean>>;
  /** How many labels the deployment has. */
  count(deployment: string): Promise<number>;
}

const batchSize = 1000;

function checkDeployment(deployment: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/.test(deployment)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Deployment name ${JSON.stringify(deployment)} is not valid: use letters, digits and . _ : @ / - (at most 200).`,
    );
  }
}

function checkTruth(truth: GroundTruth, index: number): void {
  if (typeof truth.requestId !== 'string' || truth.requestId.length === 0 || truth.requestId.length > 500) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Label ${index + 1} has no request id (a string of 1 to 500 characters): give each label its request id.`,
    );
  }
  const { label } = truth;
  if (!(typeof label === 'string' || typeof label === 'boolean' || (typeof label === 'number' && Number.isFinite(label)))) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Label ${index + 1} (request ${JSON.stringify(truth.requestId)}) is ${JSON.stringify(label) ?? 'missing'}: give a class (text, number, boolean) or a finite number.`,
    );
  }
  if (truth.at !== undefined && !Number.isSafeInteger(truth.at)) {
    throw new MlpError('INVALID_ARGUMENT', `Label ${index + 1} has time ${truth.at}: give epoch milliseconds.`);
  }
}

/**
 * Opens the store of ground-truth labels in the workspace database (`monitor_labels`, keyed by
 * deployment and request id), applying the monitor's migrations first. Writes are batched, each batch
 * one statement (atomic); a label given twice keeps the last.
 */
export async function openLabelStore(workspace: Pick<Workspace, 'db' | 'migrate'>): Promise<LabelStore> {
  await workspace.migrate(migrations);
  const db = workspace.db.drizzle;
  return {
    async add(deployment, truths) {
      checkDeployment(deployment);
      const now = Date.now();
      let written = 0;
      let batch = new Map<string, typeof labels.$inferInsert>();
      const flush = async () => {
        if (batch.size === 0) return;
        const rows = [...batch.values()];
        batch = new Map();
        await db
          .insert(labels)
          .values(rows)
          .onConflictDoUpdate({
            target: [labels.deployment, labels.requestId],
            set: { label: sql`excluded.label`, at: sql`excluded.at`, createdAt: sql`excluded.created_at` },
          });
        written += rows.length;
      };
      let index = 0;
      for (const truth of truths) {
        checkTruth(truth, index++);
        // One row per request id in a statement: Postgres refuses to update the same row twice in one.
        batch.set(truth.requestId, { deployment, requestId: truth.requestId, label: truth.label, at: truth.at ?? null, createdAt: now });
        if (batch.size >= batchSize) await flush();
      }
      await flush();
      return written;
    },

    async get(deployment, requestIds) {
      const found = new Map<string, string | number | boolean>();
      for (let i = 0; i < requestIds.length; i += batchSize) {
        const ids = requestIds.slice(i, i + batchSize);
        const rows = await db
          .select({ requestId: labels.requestId, label: labels.label })
          .from(labels)
          .where(and(eq(labels.deployment, deployment), inArray(labels.requestId, ids)));
        for (const row of rows) found.set(row.requestId, row.label as string | number | boolean);
      }
      return found;
    },

    async count(deployment) {
      const [row] = await db.select({ n: count() }).from(labels).where(eq(labels.deployment, deployment));
      return Number(row?.n ?? 0);
    },
  };
}
