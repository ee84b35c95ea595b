import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { enc, type ModelRow } from './section-types';
import './sections.css';

/** The registered models with their aliases. */
export function ModelsPage() {
  const state = useApi(() => api<{ models: ModelRow[] }>('models'), []);
  if (state.error) return pageForError(state.error, 'Models');
  const models = state.data?.models;
  return (
    <section>
      <h1>Models</h1>
      {!models ? <p>Loading…</p> : null}
      {models && models.length === 0 ? <p>No registered models yet: register one with `mlp models register`.</p> : null}
      <table class="grid" data-testid="models">
        <thead>
          <tr>
            <th>Name</th>
            <th>Aliases</th>
            <th>Updated</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {models?.map((m) => (
            <tr key={m.name}>
              <td>
                <a href={`/models/${enc(m.name)}`}>{m.name}</a>
              </td>
              <td>
                {Object.entries(m.aliases)
                  .sort()
                  .map(([alias, version]) => (
                    <span key={alias} class="badge">
                      @{alias} → v{version}
                    </span>
                  ))}
              </td>
              <td>{formatTime(m.last_updated_time)}</td>
              <td>{m.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
