import { MlpError } from '@mlp/core';
import type { Run, Tracking } from '@mlp/tracking';
import type { TrialRecord } from './search/sampler.js';

/** Tags a search writes on its parent run and on each trial's child run. */
export const searchTags = {
  /** On the parent: the hash of the spec it searches, so a resume with another spec is refused. */
  specHash: 'mlp.search.spec_hash',
  best: 'mlp.search.best_run_id',
  index: 'mlp.trial.index',
  params: 'mlp.trial.params',
  /** FINISHED, FAILED, PRUNED, or INTERRUPTED for an attempt a kill cut short (it is run again). */
  status: 'mlp.trial.status',
} as const;

export type TrialStatus = 'FINISHED' | 'FAILED' | 'PRUNED';

/**
 * Reads an interrupted search's trials back from its child runs: what finished keeps its result;
 * a trial whose run was cut short is marked INTERRUPTED (its run ended FAILED) and returned RUNNING,
 * so the search runs it again at the same index with the same params.
 */
export async function loadTrialHistory(
  tracking: Tracking,
  parent: Run,
  objective: { metric: string },
): Promise<{ history: TrialRecord[]; runs: Map<number, Run> }> {
  const children: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await tracking.searchRuns({
      experimentIds: [parent.experimentId],
      filter: `tags.\`mlflow.parentRunId\` = '${parent.runId}'`,
      maxResults: 1000,
      ...(pageToken ? { pageToken } : {}),
    });
    children.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);

  const byIndex = new Map<number, { record: TrialRecord; run: Run }>();
  for (const run of children.sort((a, b) => a.startTime - b.startTime)) {
    const index = Number(run.tags[searchTags.index]);
    if (!Number.isSafeInteger(index) || index < 0) continue; // not a trial of this search
    const params = parseParams(run);
    const status = run.tags[searchTags.status];
    if (status === 'INTERRUPTED') {
      if (!byIndex.has(index)) byIndex.set(index, { record: { index, params, status: 'RUNNING' }, run });
      continue;
    }
    if (status === undefined) {
      await markInterrupted(tracking, run);
      if (!byIndex.has(index)) byIndex.set(index, { record: { index, params, status: 'RUNNING' }, run });
      continue;
    }
    const value = run.metrics[objective.metric]?.value;
    const record: TrialRecord = {
      index,
      params,
      status: status as TrialStatus,
      ...(status === 'FINISHED' && value !== undefined && Number.isFinite(value) ? { value } : {}),
    };
    byIndex.set(index, { record, run }); // a completed attempt wins over an interrupted one
  }
  const sorted = [...byIndex.entries()].sort(([a], [b]) => a - b);
  return { history: sorted.map(([, entry]) => entry.record), runs: new Map(sorted.map(([index, entry]) => [index, entry.run])) };
}

function parseParams(run: Run): Record<string, unknown> {
  try {
    return JSON.parse(run.tags[searchTags.params] ?? '{}') as Record<string, unknown>;
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Trial run ${run.runId} has an unreadable ${searchTags.params} tag; the search cannot resume from it.`,
      {
        cause: error,
      },
    );
  }
}

async function markInterrupted(tracking: Tracking, run: Run): Promise<void> {
  const handle = await tracking.resumeRun(run.runId);
  handle.setTag(searchTags.status, 'INTERRUPTED');
  handle.fail(new MlpError('UNAVAILABLE', 'The search was interrupted during this trial; the resumed search ran it again.'));
  await handle.end('FAILED');
}
