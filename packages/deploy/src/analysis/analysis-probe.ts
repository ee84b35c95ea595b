import { MlpError } from '@mlp/core';
import type { AnalysisCondition, Measure } from './analysis-condition.js';
import { type MetricSample, parseMetricSamples } from './metric-samples.js';
import { type AnalysisResult, analyzeWindow, durationMetric, judgeConditions, requestsMetric } from './window-measures.js';

/**
 * Measures one revision over successive intervals: `begin` marks the start, each `evaluate` judges the
 * interval since the last mark and starts the next.
 */
export interface AnalysisProbe {
  begin(): Promise<void>;
  evaluate(): Promise<AnalysisResult>;
}

const scrapeTimeoutMs = 5_000;

/** Every sample of the servers' `/metrics`, each labelled with the server it came from (`instance`). */
export async function scrapeServers(urls: readonly string[]): Promise<MetricSample[]> {
  const pages = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(scrapeTimeoutMs) });
      if (!response.ok) throw new MlpError('UNAVAILABLE', `The model server at ${url} answered ${response.status} on /metrics.`);
      return parseMetricSamples(await response.text()).map((sample) => ({ ...sample, labels: { ...sample.labels, instance: url } }));
    }),
  );
  return pages.flat();
}

/** Analysis from the revision's own servers' `/metrics` (bucket and counter increases between scrapes). */
export function scrapeProbe(conditions: readonly AnalysisCondition[], urls: () => readonly string[]): AnalysisProbe {
  let before: MetricSample[] = [];
  let since = 0;
  return {
    async begin() {
      before = await scrapeServers(urls());
      since = performance.now();
    },
    async evaluate() {
      let after: MetricSample[];
      try {
        after = await scrapeServers(urls());
      } catch (error) {
        return { outcome: 'inconclusive', results: [], reason: `the servers' metrics could not be read: ${(error as Error).message}` };
      }
      const now = performance.now();
      const result = analyzeWindow(conditions, { before, after, seconds: (now - since) / 1000 });
      before = after;
      since = now;
      return result;
    },
  };
}

/** The PromQL for a measure of one model version over a window of `seconds`. */
export function promqlFor(measure: Measure, selector: Record<string, string>, seconds: number): string {
  const window = `${Math.max(1, Math.round(seconds))}s`;
  const labels = (extra: Record<string, string> = {}) =>
    Object.entries({ ...selector, ...extra })
      .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '\\$&')}"`)
      .join(',');
  switch (measure.kind) {
    case 'requests':
      return `sum(increase(${requestsMetric}{${labels()}}[${window}]))`;
    case 'error_rate':
    case 'failure_rate':
      return `sum(increase(${requestsMetric}{${labels()},status=~"${measure.kind === 'error_rate' ? '5..' : '[45]..'}"}[${window}])) / sum(increase(${requestsMetric}{${labels()}}[${window}]))`;
    case 'latency':
      return `histogram_quantile(${measure.quantile}, sum by (le) (rate(${durationMetric}_bucket{${labels()}}[${window}]))) * 1000`;
    case 'custom': {
      const own = Object.entries(measure.labels)
        .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '\\$&')}"`)
        .join(',');
      if (measure.fn === 'value') return `sum(${measure.metric}{${own}})`;
      return `sum(${measure.fn}(${measure.metric}{${own}}[${window}]))`;
    }
  }
}

/** One instant query of the Prometheus HTTP API; undefined when the result is empty or not a number. */
export async function queryPrometheus(baseUrl: string, query: string): Promise<number | undefined> {
  const url = new URL('/api/v1/query', baseUrl);
  url.searchParams.set('query', query);
  const response = await fetch(url, { signal: AbortSignal.timeout(scrapeTimeoutMs) });
  const body = (await response.json().catch(() => ({}))) as {
    status?: string;
    error?: string;
    data?: { resultType?: string; result?: Array<{ value?: [number, string] }> | [number, string] };
  };
  if (!response.ok || body.status !== 'success')
    throw new MlpError('UNAVAILABLE', `Prometheus at ${baseUrl} refused the query '${query}': ${body.error ?? `HTTP ${response.status}`}.`);
  const data = body.data;
  const raw =
    data?.resultType === 'scalar'
      ? (data.result as [number, string])[1]
      : (data?.result as Array<{ value?: [number, string] }>)?.[0]?.value?.[1];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** Analysis from a Prometheus server: each interval's conditions as queries over the seconds since the last mark. */
export function prometheusProbe(
  conditions: readonly AnalysisCondition[],
  baseUrl: string,
  selector: Record<string, string>,
): AnalysisProbe {
  let since = 0;
  return {
    async begin() {
      since = performance.now();
    },
    async evaluate() {
      const seconds = (performance.now() - since) / 1000;
      const values = new Map<AnalysisCondition, number | undefined>();
      try {
        for (const condition of conditions)
          values.set(condition, await queryPrometheus(baseUrl, promqlFor(condition.measure, selector, seconds)));
      } catch (error) {
        return { outcome: 'inconclusive', results: [], reason: (error as Error).message };
      }
      since = performance.now();
      return judgeConditions(conditions, (condition) => values.get(condition));
    },
  };
}
