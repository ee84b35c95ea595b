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

/**
 * Monitoring: the stored alerts of every monitor. `@mlp/monitor` does not store drift results yet (it
 * stores alerts and profiles), so drift over time shows as the values that moved alerts.
 */
export function MonitoringPage() {
  const [open, setOpen] = useState(false);
  const state = useApi(() => api<{ alerts: Alert[] }>('alerts', { open: open ? 'true' : undefined }), [open]);
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
      <p class="note">Drift results are not stored by @mlp/monitor yet: this page shows its alerts and the values that moved them.</p>
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
