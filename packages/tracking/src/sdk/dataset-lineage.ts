import { type DatasetLineage, type DatasetRole, MlpError } from '@mlp/core';
import type { DatasetInput } from '../model.js';
import type { TrackingStore } from '../store/tracking-store.js';

// The contract with a dataset catalog (such as @mlp/data-version's) is declared in core.
export type { DatasetLineage, DatasetRole, PinnedDatasetVersion } from '@mlp/core';

/** A dataset version a run reads (`input`, the default) or writes (`output`). */
export interface DatasetUse {
  /** `name@version`, `name@latest` or `name@tag`; pinned to the version it names now. */
  ref: string;
  role?: DatasetRole;
  /** MLflow's dataset context: `training`, `evaluation`, …; the role by default. */
  context?: string;
}

/**
 * Records the use in the catalog's lineage, and as an MLflow run input (name `flights@3`, digest the
 * data's hash), so MLflow clients see it too. Returns the input as logged.
 */
export async function recordDatasetUse(
  lineage: DatasetLineage | undefined,
  store: TrackingStore,
  runId: string,
  use: DatasetUse | string,
): Promise<DatasetInput> {
  const { ref, role = 'input', context } = typeof use === 'string' ? { ref: use } : use;
  if (!lineage) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Cannot record that run ${runId} used dataset ${ref}: tracking has no dataset catalog. Pass \`lineage\` to createTracking (for example the lineage recorder of @mlp/data-version), or log the input with \`inputs\`.`,
    );
  }
  const { version } = await lineage.recordUse({ runId, datasetVersion: ref, role });
  const input: DatasetInput = {
    name: version.ref,
    digest: version.rootHash,
    sourceType: version.source?.kind ?? 'mlp',
    source: JSON.stringify({ ref: version.ref, ...(version.source ? { uri: version.source.uri } : {}) }),
    profile: JSON.stringify({ size: version.size, nfiles: version.nfiles }),
    context: context ?? role,
    ...(version.schema ? { schema: JSON.stringify(version.schema) } : {}),
  };
  await store.logInputs(runId, [input]);
  return input;
}
