/** A metric series' integer id and its rollup's base level (null: logged before the rollup existed). */
export interface SeriesIds {
  seriesId: number;
  rollupLevel: number | null;
}

/** How many series a store remembers before starting over (a few MB at most). */
const maxRemembered = 100_000;

/**
 * The series a store has written to: a series' id and rollup level never change, so a batch whose keys
 * are all known writes its latest points and its rollup in one statement, without reading them back.
 */
export class KnownSeries {
  private readonly byRun = new Map<string, Map<string, SeriesIds>>();
  private size = 0;

  /** Every key's series, or undefined when one of them is not known yet. */
  all(runId: string, keys: Iterable<string>): Map<string, SeriesIds> | undefined {
    const run = this.byRun.get(runId);
    if (!run) return undefined;
    const found = new Map<string, SeriesIds>();
    for (const key of keys) {
      const ids = run.get(key);
      if (!ids) return undefined;
      found.set(key, ids);
    }
    return found;
  }

  set(runId: string, key: string, ids: SeriesIds): void {
    if (this.size >= maxRemembered) {
      this.byRun.clear();
      this.size = 0;
    }
    let run = this.byRun.get(runId);
    if (!run) {
      run = new Map();
      this.byRun.set(runId, run);
    }
    if (!run.has(key)) this.size++;
    run.set(key, ids);
  }

  forget(runId: string): void {
    this.size -= this.byRun.get(runId)?.size ?? 0;
    this.byRun.delete(runId);
  }
}
