import { type Database, MlpError } from '@mlp/core';
import type { Metric, Page, Run } from '../model.js';
import { compileSearch } from '../search/compile-search.js';
import { nextPageToken } from '../search/page-token.js';
import { assembleRuns, type RunRow, runColumns, toMetric } from './run-rows.js';
import { parseExperimentId } from './sql-experiments.js';
import { failStaleRuns } from './stale-runs.js';
import type { MetricHistoryInput, SearchRunsInput } from './tracking-store.js';
import { lifecycleStagesFor } from './view-type.js';

export async function searchRuns(db: Database, input: SearchRunsInput): Promise<Page<Run>> {
  const experimentIds = input.experimentIds.map(parseExperimentId);
  const search = compileSearch({
    filter: input.filter,
    orderBy: input.orderBy,
    maxResults: input.maxResults,
    pageToken: input.pageToken,
    paramOffset: 2,
  });
  await failStaleRuns(db);
  const rows = await db.query<RunRow & Record<string, unknown>>(
    `select ${runColumns} from tracking_runs r
     where r.experiment_id = any($1::bigint[]) and r.lifecycle_stage = any($2::text[]) and (${search.where})
     order by ${search.orderBy} limit ${search.limit} offset ${search.offset}`,
    [experimentIds, lifecycleStagesFor(input.viewType), ...search.params],
  );
  const token = nextPageToken(search.offset, search.limit, rows.length);
  return { items: await assembleRuns(db, rows), ...(token ? { nextPageToken: token } : {}) };
}

const HISTORY_PAGE_DEFAULT = 100_000;

/** A metric's points in step, then time order; pages resume after the last point's position, not by OFFSET. */
export async function getMetricHistory(db: Database, runId: string, key: string, input: MetricHistoryInput = {}): Promise<Page<Metric>> {
  const limit = input.maxResults ?? HISTORY_PAGE_DEFAULT;
  const after = decodeHistoryToken(input.pageToken);
  const rows = await db.query<{ id: number; key: string; value: number | null; is_nan: boolean; timestamp: number; step: number }>(
    `select id, key, value, is_nan, timestamp, step from tracking_metrics
     where run_id = $1 and key = $2 and ($3::int8 is null or (step, timestamp, id) > ($3, $4, $5))
     order by step, timestamp, id limit $6`,
    [runId, key, after?.step ?? null, after?.timestamp ?? null, after?.id ?? null, limit + 1],
  );
  if (rows.length === 0 && !after) {
    const exists = await db.query('select 1 from tracking_runs where run_id = $1', [runId]);
    if (exists.length === 0) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toMetric),
    ...(rows.length > limit && last ? { nextPageToken: encodeHistoryToken(last) } : {}),
  };
}

function encodeHistoryToken(row: { step: number; timestamp: number; id: number }): string {
  return Buffer.from(JSON.stringify({ step: Number(row.step), timestamp: Number(row.timestamp), id: Number(row.id) })).toString(
    'base64url',
  );
}

function decodeHistoryToken(token: string | undefined): { step: number; timestamp: number; id: number } | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if ([parsed.step, parsed.timestamp, parsed.id].every((value) => Number.isSafeInteger(value)))
      return parsed as { step: number; timestamp: number; id: number };
  } catch {
    // not base64 JSON: reported below
  }
  throw new MlpError('INVALID_ARGUMENT', 'Invalid page token for metric history: pass the next_page_token of the previous page unchanged.');
}
