import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import type { Alert } from './section-types';
import './sections.css';

/** Each key's alert values over time, as dots on one strip per key (the values that fired or resolved alerts). */
function AlertTimeline(props: { alerts: Alert[] }) {
  const points = props.alerts.filter((a) => a.value !== null);
  if (points.length === 0) return null;
  const keys = [...new Set(points.map((a) => `${a.monitor} · ${a.key}`))].sort();
  const times = points.map((a) => a.active_since);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const width = 720;
  const x = (t: number) => 200 + (t1 === t0 ? (width - 220) / 2 : ((t - t0) / (t1 - t0)) * (width - 220));
  return (
    <svg
      class="timeline"
      data-testid="alert-timeline"
      width={width}
      height={20 + keys.length * 24}
      role="img"
      aria-label="alerts over time"
    >
      {keys.map((key, i) => (
        <g key={key}>
          <text x={4} y={24 + i * 24}>
            {key.length > 30 ? `${key.slice(0, 29)}…` : key}
          </text>
          <line x1={200} x2={width - 10} y1={20 + i * 24} y2={20 + i * 24} class="axis" />
          {points
            .filter((a) => `${a.monitor} · ${a.key}` === key)
            .map((a) => (
              <circle key={a.alert_id} class={a.state} cx={x(a.active_since)} cy={20 + i * 24} r={5}>
                <title>
                  {a.state} {a.value} at {formatTime(a.active_since)}
                </title>
              </circle>
            ))}
        </g>
      ))}
    </svg>
  );
}

interface DriftPoint {
  window_start: number;
  window_end: number;
  rows: number;
  dataset_drift: boolean;
  drift_share: number;
  columns: { column: string; test: string | null; score: number | null; threshold: number | null; drifted: boolean }[];
}

/** A monitor's drift share per window as a line (0–1), drifted windows marked, and the latest window's columns. */
function DriftOverTime(props: { monitor: string }) {
  const state = useApi(() => api<{ points: DriftPoint[] }>(`monitors/${encodeURIComponent(props.monitor)}/drift`), [props.monitor]);
  if (state.error) return <p class="error">{state.error.message}</p>;
  const points = state.data?.points;
  if (!points) return <p>Loading {props.monitor}…</p>;
  if (points.length === 0) return <p>{props.monitor}: no window computed yet.</p>;
  const [width, height, left] = [720, 160, 40];
  const t0 = points[0]?.window_end ?? 0;
  const t1 = points[points.length - 1]?.window_end ?? t0;
  const x = (t: number) => left + (t1 === t0 ? (width - left - 10) / 2 : ((t - t0) / (t1 - t0)) * (width - left - 10));
  const y = (share: number) => 10 + (1 - share) * (height - 30);
  const latest = points[points.length - 1];
  return (
    <div class="drift" data-testid="drift-chart" data-monitor={props.monitor}>
      <h2>{props.monitor}: drift over time</h2>
      <svg width={width} height={height} role="img" aria-label={`drift share of ${props.monitor}`}>
        <line class="axis" x1={left} x2={width - 10} y1={y(0)} y2={y(0)} />
        <line class="axis" x1={left} x2={width - 10} y1={y(1)} y2={y(1)} />
        <text class="heading" x={4} y={y(1) + 4}>
          1
        </text>
        <text class="heading" x={4} y={y(0) + 4}>
          0
        </text>
        <polyline class="drift-line" points={points.map((p) => `${x(p.window_end)},${y(p.drift_share)}`).join(' ')} />
        {points.map((p) => (
          <circle key={p.window_end} class={p.dataset_drift ? 'firing' : 'resolved'} cx={x(p.window_end)} cy={y(p.drift_share)} r={4}>
            <title>
              {formatTime(p.window_end)}: {Math.round(p.drift_share * 100)}% of columns drifted, {p.rows} rows
            </title>
          </circle>
        ))}
        <text class="heading" x={left} y={height - 4}>
          {formatTime(t0)}
        </text>
        <text class="heading" x={width - 150} y={height - 4}>
          {formatTime(t1)}
        </text>
      </svg>
      {latest ? (
        <table class="grid" data-testid="drift-columns">
          <thead>
            <tr>
              <th>Column (window ending {formatTime(latest.window_end)})</th>
              <th>Test</th>
              <th>Score</th>
              <th>Threshold</th>
              <th>Drifted</th>
            </tr>
          </thead>
          <tbody>
            {latest.columns.map((c) => (
              <tr key={c.column}>
                <td>{c.column}</td>
                <td>{c.test ?? ''}</td>
                <td>{c.score === null ? '' : c.score.toPrecision(3)}</td>
                <td>{c.threshold ?? ''}</td>
                <td class={c.drifted ? 'fail' : 'pass'}>{c.drifted ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** Monitoring: each monitor's drift over time, and the stored alerts of every monitor. */
export function MonitoringPage() {
  const [open, setOpen] = useState(false);
  const state = useApi(() => api<{ alerts: Alert[] }>('alerts', { open: open ? 'true' : undefined }), [open]);
  const monitors = useApi(() => api<{ monitors: string[] }>('monitors'), []);
  if (state.error) return pageForError(state.error, 'Alerts');
  const alerts = state.data?.alerts;
  const firing = alerts?.filter((a) => a.state === 'firing').length ?? 0;
  return (
    <section>
      <h1>Monitoring</h1>
      <p>
        <label>
          <input type="checkbox" name="open" checked={open} onChange={(e) => setOpen((e.target as HTMLInputElement).checked)} /> open alerts
          only
        </label>{' '}
        · {alerts ? `${alerts.length} alerts, ${firing} firing` : 'Loading…'}
      </p>
      {monitors.data?.monitors.length === 0 ? <p class="note">No monitor stored yet: `mlp monitor create`.</p> : null}
      {monitors.data?.monitors.map((name) => (
        <DriftOverTime key={name} monitor={name} />
      ))}
      <h2>Alerts</h2>
      {alerts ? <AlertTimeline alerts={alerts} /> : null}
      <table class="grid" data-testid="alerts">
        <thead>
          <tr>
            <th>State</th>
            <th>Severity</th>
            <th>Monitor</th>
            <th>Rule</th>
            <th>Key</th>
            <th>Value</th>
            <th>Active since</th>
            <th>Fired</th>
            <th>Resolved</th>
          </tr>
        </thead>
        <tbody>
          {alerts?.map((a) => (
            <tr key={a.alert_id}>
              <td>
                <span class={`status ${a.state}`}>{a.state}</span>
              </td>
              <td>{a.severity}</td>
              <td>{a.monitor}</td>
              <td>{a.rule}</td>
              <td>
                {a.key}
                {a.column ? ` (${a.column})` : ''}
              </td>
              <td>{a.value ?? ''}</td>
              <td>{formatTime(a.active_since)}</td>
              <td>{formatTime(a.fired_at)}</td>
              <td>{formatTime(a.resolved_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
