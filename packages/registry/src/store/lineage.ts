import { MlpError } from '@mlp/core';
import { type DatasetInput, provenanceTags, type Run } from '@mlp/tracking';
import type { AuditEntry, ModelVersion } from '../model.js';
import { type AuditRow, auditEntry } from './audit.js';
import { loadVersion } from './loaders.js';
import type { RegistryContext } from './registry-context.js';

/** Where a version came from. Run fields are null for versions registered from a folder. */
export interface Lineage {
  version: ModelVersion;
  run: Run | null;
  /** The dataset versions the run recorded as inputs. */
  datasets: DatasetInput[];
  /** The code commit, from the run's `mlp.source.git.commit` (or MLflow's `mlflow.source.git.commit`) tag. */
  gitCommit: string | null;
  /** The parent run, such as the hyper-parameter search whose trial this was. */
  parentRun: Run | null;
}

const notFoundToNull = (error: unknown) => {
  if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return null;
  throw error;
};

export async function lineage(context: RegistryContext, name: string, version: number): Promise<Lineage> {
  const found = await loadVersion(context.workspace.db, name, version);
  const run = found.runId ? await context.tracking.getRun(found.runId).catch(notFoundToNull) : null;
  const parentRun = run?.parentRunId ? await context.tracking.getRun(run.parentRunId).catch(notFoundToNull) : null;
  return {
    version: found,
    run,
    datasets: run?.inputs ?? [],
    gitCommit: run?.tags[provenanceTags.gitCommit] ?? run?.tags[provenanceTags.mlflowGitCommit] ?? null,
    parentRun,
  };
}

/** The audit log of a model, oldest first (entries outlive the model's deletion). */
export async function history(
  context: RegistryContext,
  name: string,
  options: { limit?: number; afterId?: number } = {},
): Promise<AuditEntry[]> {
  const rows = await context.workspace.db.query<AuditRow & Record<string, unknown>>(
    'select * from registry_audit_log where model_name = $1 and id > $2 order by id limit $3',
    [name, options.afterId ?? 0, options.limit ?? 10_000],
  );
  return rows.map(auditEntry);
}
