/** How the tracking commands print values for people: short, one line, and stable for tests. */

/** An epoch-milliseconds time as ISO 8601 in UTC, to the second (`2024-05-01T12:00:00Z`); `-` when absent. */
export function formatTimestamp(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A duration in the two largest units that matter: `850ms`, `12.3s`, `4m 05s`, `2h 03m`, `3d 04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${pad(Math.floor(seconds / 3600) % 24)}h`;
}

/**
 * How long a run took: end minus start; for a run still RUNNING, the time so far. `-` for a run
 * that stopped without an end time (nothing honest to show).
 */
export function runDuration(run: { status: string; startTime: number; endTime: number | null }, now: number): string {
  if (run.endTime !== null) return formatDuration(run.endTime - run.startTime);
  return run.status === 'RUNNING' ? formatDuration(now - run.startTime) : '-';
}

/** A metric value with at most 6 significant digits, so table columns stay narrow; NaN and ±Infinity by name. */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

const byteUnits = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** A size in decimal units, as `ls -h --si` and most download tools print it: `512 B`, `1.2 MB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // 999.5 rather than 1000, so rounding never prints `1000 kB`.
  while (value >= (unit === 0 ? 1000 : 999.5) && unit < byteUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${byteUnits[unit]}`;
}

/** One table cell: line breaks shown as `\n` so a multi-line tag cannot break the table; cut to `max` characters. */
export function oneLine(text: string, max = Number.POSITIVE_INFINITY): string {
  const flat = text.replace(/\r?\n|\r/g, '\\n').replace(/\t/g, ' ');
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : flat;
}
