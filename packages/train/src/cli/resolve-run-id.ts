import { MlpError, type Workspace } from '@mlp/core';
import { openSqlTrackingStore, type TrackingStore } from '@mlp/tracking';

const fullId = /^[0-9a-f]{32}$/;

/**
 * A run id from the id or a unique prefix of it (as `mlp runs compare` and `mlp train` print them),
 * searched in every experiment. An ambiguous prefix is refused with the candidates.
 */
export async function resolveRunId(store: TrackingStore, reference: string): Promise<string> {
  const prefix = reference.toLowerCase();
  if (!/^[0-9a-f]+$/.test(prefix) || prefix.length > 32)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(reference)} is not a run id: run ids are 32 hexadecimal digits (a unique prefix will do).`,
    );
  if (fullId.test(prefix)) return (await store.getRun(prefix)).runId;
  const experimentIds: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.searchExperiments({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    experimentIds.push(...page.items.map((experiment) => experiment.experimentId));
    pageToken = page.nextPageToken;
  } while (pageToken);
  const found = experimentIds.length
    ? (await store.searchRuns({ experimentIds, filter: `attributes.run_id LIKE '${prefix}%'`, maxResults: 10 })).items
    : [];
  if (found.length === 1) return (found[0] as (typeof found)[number]).runId;
  if (found.length === 0) throw new MlpError('NOT_FOUND', `No run id starts with ${prefix}. List runs with \`mlp runs ls\`.`);
  const candidates = found.map((run) => `${run.runId} (${run.name}, experiment ${run.experimentId})`);
  throw new MlpError(
    'INVALID_ARGUMENT',
    `The run id prefix ${prefix} is ambiguous: it starts ${found.length === 10 ? '10 or more runs' : `${found.length} runs`}: ${candidates.join(', ')}. Give more digits.`,
    { details: { prefix, candidates: found.map((run) => run.runId) } },
  );
}

/** `resolveRunId` on the workspace's tracking store (opened and closed for it). */
export async function resolveWorkspaceRunId(workspace: Workspace, reference: string): Promise<string> {
  const store = await openSqlTrackingStore(workspace);
  try {
    return await resolveRunId(store, reference);
  } finally {
    await store.close?.();
  }
}
