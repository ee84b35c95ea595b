import { qualitySummary } from '../monitors/monitor-quality.js';
import type { StoredMonitor, StoredWindowResult } from '../monitors/monitor-store.js';
import { renderDriftReport } from './html-report.js';

const time = (ms: number) => new Date(ms).toISOString();
const short = (value: number | null) => (value === null ? '–' : Number(value.toPrecision(4)).toString());

/**
 * The HTML report of one stored monitor window: the drift table, the window's rows, model quality and
 * data quality. A window result keeps the drift scores, not the columns' values or the window's profile,
 * so the report says so where a drift report of files shows both distributions.
 */
export function renderMonitorWindowReport(monitor: StoredMonitor, stored: StoredWindowResult, generatedAt?: number): string {
  const { spec } = monitor;
  const { result } = stored;
  const details: { label: string; value: string }[] = [
    {
      label: 'monitor',
      value: `${spec.name}: ${spec.source.kind === 'deployment' ? `deployment ${spec.source.deployment}` : `dataset ${spec.source.dataset}`}`,
    },
    { label: 'window', value: `${time(stored.windowStart)} – ${time(stored.windowEnd)}, ${result.rows} rows` },
  ];
  if (result.problem) details.push({ label: 'problem', value: result.problem });
  if (result.latencyMs)
    details.push({
      label: 'latency',
      value: `p50 ${short(result.latencyMs.p50)} ms, p95 ${short(result.latencyMs.p95)} ms, max ${short(result.latencyMs.max)} ms`,
    });
  if (result.quality)
    details.push({
      label: `model quality (${result.quality.task})`,
      value: `${result.quality.labelled} of ${result.quality.predictions} predictions labelled; ${qualitySummary(result.quality)}`,
    });
  if (result.dataQuality) {
    const failed = result.dataQuality.columns.filter((column) => column.failed).map((column) => column.column);
    details.push({ label: 'data quality', value: failed.length ? `failed: ${failed.join(', ')}` : 'every column passed' });
  }
  return renderDriftReport({
    result: result.drift,
    referenceName: result.reference.description,
    currentName: result.current ?? `${spec.name} window ending ${time(stored.windowEnd)}`,
    distributionsNote: 'distributions are not stored with a monitor’s window results: run mlp monitor drift --report on the data for them',
    details,
    ...(generatedAt !== undefined ? { generatedAt } : {}),
  });
}
