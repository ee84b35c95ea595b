import { randomUUID } from 'node:crypto';
import { MlpError, type Workspace } from '@mlp/core';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import type { ValidationResult } from '../result/validation-result.js';
import { expectationResults, validations } from './schema.js';

/** Where a validation belongs: a dataset version (`flights@3`) and a tracking run. */
export interface ValidationLink {
  datasetVersion?: string;
  runId?: string;
}

export interface StoredValidation {
  validationId: string;
  suiteName: string;
  success: boolean;
  datasetVersion: string | null;
  runId: string | null;
  startedAt: string;
  result: ValidationResult;
}

export interface ValidationStore {
  save(result: ValidationResult, link?: ValidationLink): Promise<string>;
  get(validationId: string): Promise<StoredValidation>;
  list(filter?: { suiteName?: string; datasetVersion?: string; runId?: string; limit?: number }): Promise<StoredValidation[]>;
}

const datasetVersionPattern = /^[^@\s]+@[^@\s]+$/;

export function checkDatasetVersion(reference: string): void {
  if (!datasetVersionPattern.test(reference)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Dataset version "${reference}" is not a reference of the form name@version (for example flights@3).`,
    );
  }
}

/** Opens the store of validation results in the workspace database (tables `validate_*`), applying its migrations first. */
export async function openValidationStore(workspace: Pick<Workspace, 'db' | 'migrate'>): Promise<ValidationStore> {
  await workspace.migrate(migrations);
  const db = workspace.db.drizzle;
  const toStored = (row: typeof validations.$inferSelect): StoredValidation => ({
    validationId: row.validationId,
    suiteName: row.suiteName,
    success: row.success,
    datasetVersion: row.datasetVersion,
    runId: row.runId,
    startedAt: new Date(row.startedAt).toISOString(),
    result: row.result as ValidationResult,
  });
  return {
    async save(result, link = {}) {
      if (link.datasetVersion !== undefined) checkDatasetVersion(link.datasetVersion);
      const validationId = randomUUID();
      await workspace.db.transaction(async (tx) => {
        await tx.insert(validations).values({
          validationId,
          suiteName: result.suiteName,
          success: result.success,
          evaluated: result.statistics.evaluated,
          successful: result.statistics.successful,
          unsuccessful: result.statistics.unsuccessful,
          successPercent: result.statistics.successPercent,
          rowCount: result.rowCount,
          engine: result.engine,
          source: result.source,
          datasetVersion: link.datasetVersion ?? null,
          runId: link.runId ?? null,
          startedAt: Date.parse(result.startedAt),
          durationMs: result.durationMs,
          result: JSON.parse(JSON.stringify(result)),
        });
        if (result.results.length > 0) {
          await tx.insert(expectationResults).values(
            result.results.map((entry) => ({
              validationId,
              position: entry.index,
              type: entry.type,
              severity: entry.severity,
              success: entry.success,
              columnName: typeof entry.args.column === 'string' ? entry.args.column : null,
              unexpectedCount: entry.unexpectedCount ?? null,
              unexpectedPercent: entry.unexpectedPercent ?? null,
              exception: entry.exception?.message ?? null,
            })),
          );
        }
      });
      return validationId;
    },
    async get(validationId) {
      const [row] = await db.select().from(validations).where(eq(validations.validationId, validationId));
      if (!row) throw new MlpError('NOT_FOUND', `Validation ${validationId} does not exist; list validations to find its id.`);
      return toStored(row);
    },
    async list(filter = {}) {
      const conditions: SQL[] = [];
      if (filter.suiteName) conditions.push(eq(validations.suiteName, filter.suiteName));
      if (filter.datasetVersion) conditions.push(eq(validations.datasetVersion, filter.datasetVersion));
      if (filter.runId) conditions.push(eq(validations.runId, filter.runId));
      const rows = await db
        .select()
        .from(validations)
        .where(conditions.length > 0 ? and(...conditions) : undefined)
        .orderBy(desc(validations.startedAt))
        .limit(filter.limit ?? 100);
      return rows.map(toStored);
    },
  };
}

/** @deprecated renamed `openValidationStore`: it is async and applies migrations (`create*` factories are synchronous). */
export const createValidationStore = openValidationStore;
