/** The UI's calls to `/api/ui/...`, with the bearer token kept in sessionStorage when the server wants one. */
const tokenKey = 'mlp.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(tokenKey);
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(tokenKey, value);
  else sessionStorage.removeItem(tokenKey);
}

function headers(): Record<string, string> {
  const value = token();
  return value ? { authorization: `Bearer ${value}` } : {};
}

export async function fetchRaw(path: string): Promise<Response> {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.error_code ?? 'ERROR', body.message ?? `${res.status} ${res.statusText}`);
  }
  return res;
}

export async function api<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  const res = await fetchRaw(`/api/ui/${path}${qs ? `?${qs}` : ''}`);
  return (await res.json()) as T;
}

export interface RunRow {
  run_id: string;
  name: string;
  experiment_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  params: Record<string, string>;
  metrics: Record<string, number | string>;
  tags: Record<string, string>;
}

export interface RunDetail extends RunRow {
  user_id: string;
  artifact_uri: string;
  inputs: { name: string; digest: string; source: string; context: string | null }[];
}

export interface Experiment {
  experiment_id: string;
  name: string;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

export interface MetricSeries {
  run_id?: string;
  key: string;
  total_points: number;
  x: number[];
  y: (number | string)[];
}

export const metricSeries = (runId: string, key: string, width: number, x: 'step' | 'time') =>
  api<MetricSeries>(`runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}`, { width, x });

/**
 * Many runs × metrics in one request, each reduced on the server to `buckets` buckets (fewer when a bucket
 * would cover under `minBucketSteps` steps); in run-major order.
 */
export async function metricHistories(
  runIds: string[],
  keys: string[],
  buckets: number,
  x: 'step' | 'time',
  minBucketSteps?: number,
): Promise<MetricSeries[]> {
  const params = new URLSearchParams({ width: String(buckets), x });
  if (minBucketSteps) params.set('min_bucket_steps', String(minBucketSteps));
  for (const id of runIds) params.append('run_id', id);
  for (const key of keys) params.append('key', key);
  const res = await fetchRaw(`/api/ui/metric-histories?${params}`);
  return ((await res.json()) as { histories: MetricSeries[] }).histories;
}

export interface RunsPage {
  runs: RunRow[];
  next_page_token: string | null;
  total: number | null;
}

/** Many runs by id in one request. */
export async function fetchRuns(runIds: string[]): Promise<RunDetail[]> {
  const params = new URLSearchParams();
  for (const id of runIds) params.append('run_id', id);
  const res = await fetchRaw(`/api/ui/runs?${params}`);
  return ((await res.json()) as { runs: RunDetail[] }).runs;
}
