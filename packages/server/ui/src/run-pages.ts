import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type RunRow, type RunsPage } from './api';

/** The first page is small so the table draws at once; the rest follow in larger pages behind it. */
const firstPage = 100;
const laterPage = 1000;

export interface RunPages {
  /** Grows as pages arrive (the same array: `version` says when it changed). */
  runs: RunRow[];
  version: number;
  total: number | null;
  loading: boolean;
  done: boolean;
  error?: ApiError;
}

/** An experiment's runs, filtered and sorted by the server, fetched page after page until all are in. */
export function useRunPages(experimentId: string, filter: string, orderBy: string): RunPages {
  const runs = useRef<RunRow[]>([]);
  const [state, setState] = useState<Omit<RunPages, 'runs'>>({ version: 0, total: null, loading: true, done: false });
  useEffect(() => {
    let live = true;
    runs.current = [];
    setState({ version: 0, total: null, loading: true, done: false });
    (async () => {
      let pageToken: string | undefined;
      let size = firstPage;
      do {
        const page = await api<RunsPage>(`experiments/${encodeURIComponent(experimentId)}/runs`, {
          filter,
          order_by: orderBy,
          max_results: size,
          page_token: pageToken,
        });
        if (!live) return;
        for (const run of page.runs) runs.current.push(run);
        pageToken = page.next_page_token ?? undefined;
        size = laterPage;
        setState((old) => ({ version: old.version + 1, total: page.total, loading: false, done: !pageToken }));
      } while (pageToken);
    })().catch((error: unknown) => {
      if (!live) return;
      const failure = error instanceof ApiError ? error : new ApiError(0, 'ERROR', String(error));
      setState((old) => ({ ...old, loading: false, done: true, error: failure }));
    });
    return () => {
      live = false;
    };
  }, [experimentId, filter, orderBy]);
  return { ...state, runs: runs.current };
}
