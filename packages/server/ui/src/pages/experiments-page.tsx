import { api, type Experiment } from '../api';
import { formatTime } from '../format';
import { useApi } from '../use-api';
import { pageForError } from './message-page';

export function ExperimentsPage() {
  const state = useApi(() => api<{ experiments: Experiment[] }>('experiments'), []);
  if (state.error) return pageForError(state.error, 'Experiments');
  return (
    <section>
      <h1>Experiments</h1>
      {state.loading && !state.data ? <p>Loading…</p> : null}
      <table class="grid" data-testid="experiments">
        <thead>
          <tr>
            <th>Name</th>
            <th>Id</th>
            <th>Created</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {state.data?.experiments.map((e) => (
            <tr key={e.experiment_id}>
              <td>
                <a href={`/experiments/${encodeURIComponent(e.experiment_id)}`}>{e.name}</a>
              </td>
              <td>{e.experiment_id}</td>
              <td>{formatTime(e.creation_time)}</td>
              <td>{formatTime(e.last_update_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
