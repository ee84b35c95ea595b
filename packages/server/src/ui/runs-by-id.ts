import type { Run, TrackingStore } from '@mlp/tracking';

const chunk = 500;
const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** `map` over `items` with at most `limit` calls at once, results in order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Many runs by id, in the order given (NOT_FOUND for an unknown one). Runs compared together mostly
 * share the first one's experiment, so one search there (`attributes.run_id IN (...)`) reads them in
 * a few queries instead of seven a run; the others are read one by one.
 */
export async function runsById(tracking: TrackingStore, runIds: readonly string[]): Promise<Run[]> {
  const [firstId, ...others] = runIds;
  if (firstId === undefined) return [];
  const first = await tracking.getRun(firstId);
  const found = new Map<string, Run>([[first.runId, first]]);
  const rest = [...new Set(others)].filter((id) => id !== first.runId);
  for (let start = 0; start < rest.length; start += chunk) {
    const ids = rest.slice(start, start + chunk);
    const page = await tracking.searchRuns({
      experimentIds: [first.experimentId],
      filter: `attributes.run_id IN (${ids.map(quoted).join(', ')})`,
      maxResults: ids.length,
      viewType: 'ALL',
    });
    for (const run of page.items) found.set(run.runId, run);
  }
  const elsewhere = rest.filter((id) => !found.has(id));
  for (const run of await mapConcurrently(elsewhere, 8, (id) => tracking.getRun(id))) found.set(run.runId, run);
  return runIds.map((id) => found.get(id) as Run);
}
