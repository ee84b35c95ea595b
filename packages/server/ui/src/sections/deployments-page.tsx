import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { type Deployment, enc, type Revision } from './section-types';
import './sections.css';

/** The traffic split as one bar: each serving revision's share. */
export function TrafficBar(props: { revisions: Revision[] }) {
  const serving = props.revisions.filter((r) => r.weight > 0);
  if (serving.length === 0)
    return (
      <span class="traffic none" data-testid="traffic">
        no traffic yet
      </span>
    );
  return (
    <div class="traffic" data-testid="traffic">
      {serving.map((r, i) => (
        <span
          key={r.revision}
          class={`share c${i % 4}`}
          style={{ width: `${r.weight}%` }}
          title={`revision ${r.revision}: v${r.model_version}`}
        >
          v{r.model_version} {r.weight}%
        </span>
      ))}
    </div>
  );
}

/** Every deployment with its status and traffic split. */
export function DeploymentsPage() {
  const state = useApi(() => api<{ deployments: Deployment[] }>('deployments'), []);
  if (state.error) return pageForError(state.error, 'Deployments');
  const deployments = state.data?.deployments;
  return (
    <section>
      <h1>Deployments</h1>
      {!deployments ? <p>Loading…</p> : null}
      {deployments?.length === 0 ? <p>No deployments yet: `mlp deploy create`.</p> : null}
      <table class="grid" data-testid="deployments">
        <thead>
          <tr>
            <th>Name</th>
            <th>Model</th>
            <th>Status</th>
            <th>Strategy</th>
            <th>Traffic</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {deployments?.map((d) => (
            <tr key={d.name}>
              <td>
                <a href={`/deployments/${enc(d.name)}`}>{d.name}</a>
              </td>
              <td>
                <a href={`/models/${enc(d.model_name)}`}>{d.model_name}</a>
                {d.alias ? `@${d.alias}` : ''}
              </td>
              <td>
                <span class={`status ${d.status}`}>{d.status}</span>
              </td>
              <td>{d.strategy ?? ''}</td>
              <td class="traffic-cell">
                <TrafficBar revisions={d.revisions} />
              </td>
              <td>{formatTime(d.updated_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
