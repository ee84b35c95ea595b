import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { apiPost } from './api-write';
import { TrafficBar } from './deployments-page';
import { type Deployment, enc } from './section-types';
import { usePoll } from './use-poll';
import { WriteAction } from './write-action';
import './sections.css';

interface HistoryEntry {
  at: number;
  action: string;
  from_version: number | null;
  to_version: number | null;
  reason: string | null;
}

/** A deployment: its traffic split, revisions, rollout history (refreshed, each second while a rollout progresses) and rollback. */
export function DeploymentPage(props: { name: string }) {
  const [reload, setReload] = useState(0);
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState('');
  const state = useApi(
    () => api<{ deployment: Deployment; history: HistoryEntry[] }>(`deployments/${enc(props.name)}`),
    [props.name, reload],
  );
  // Always refreshed: a rollout the controller starts (an alias moved elsewhere) shows up without a reload.
  const tick = usePoll(Boolean(state.data), state.data?.deployment.status === 'progressing' ? 1000 : 5000);
  useEffect(() => {
    if (tick > 0) setReload((n) => n + 1);
  }, [tick]);
  if (state.error && !state.data) return pageForError(state.error, 'Deployment');
  const data = state.data;
  if (!data) return <p>Loading…</p>;
  const d = data.deployment;
  return (
    <section>
      <h1>{d.name}</h1>
      <p>
        <a href={`/models/${enc(d.model_name)}`}>{d.model_name}</a>
        {d.alias ? `@${d.alias}` : ''} · <span class={`status ${d.status}`}>{d.status}</span> · {d.strategy ?? ''} on {d.target ?? ''}
        {d.endpoint ? ` · ${d.endpoint}` : ''} · generation {d.generation}
      </p>
      <h2>Traffic split</h2>
      <TrafficBar revisions={d.revisions} />
      <h2>Revisions</h2>
      <table class="grid" data-testid="revisions">
        <thead>
          <tr>
            <th>Revision</th>
            <th>Model version</th>
            <th>Weight</th>
            <th>Status</th>
            <th>Rollout step</th>
            <th>Analyses</th>
            <th>Variant</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {[...d.revisions].reverse().map((r) => (
            <tr key={r.revision}>
              <td>{r.revision}</td>
              <td>v{r.model_version}</td>
              <td>{r.weight}%</td>
              <td>
                <span class={`status ${r.status}`}>{r.status}</span>
              </td>
              <td>{r.step < 0 ? 'starting' : r.step + 1}</td>
              <td>{r.analysis_rounds}</td>
              <td>{r.variant ?? ''}</td>
              <td>{formatTime(r.updated_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Roll back</h2>
      <WriteAction
        label="Roll back"
        testId="rollback"
        onDone={() => setReload((n) => n + 1)}
        run={async () => {
          const answer = await apiPost<{ deployment: Deployment }>(`deployments/${enc(d.name)}/rollback`, {
            ...(target ? { to_revision: target } : {}),
            ...(reason ? { reason } : {}),
          });
          return `rolled back: ${answer.deployment.status}`;
        }}
      >
        <label>
          to revision{' '}
          <input
            name="to-revision"
            size={4}
            placeholder="previous"
            value={target}
            onInput={(e) => setTarget((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          reason <input name="rollback-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
      </WriteAction>
      <h2>Rollout history</h2>
      <table class="grid" data-testid="deployment-history">
        <thead>
          <tr>
            <th>When</th>
            <th>Action</th>
            <th>From</th>
            <th>To</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {[...data.history].reverse().map((h, i) => (
            <tr key={`${h.at}-${i}`}>
              <td>{formatTime(h.at)}</td>
              <td>{h.action}</td>
              <td>{h.from_version !== null ? `v${h.from_version}` : ''}</td>
              <td>{h.to_version !== null ? `v${h.to_version}` : ''}</td>
              <td>{h.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
