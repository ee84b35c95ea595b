import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { type DatasetRow, enc, formatBytes } from './section-types';
import './sections.css';

/** Every dataset in the catalog with its newest version. */
export function DatasetsPage() {
  const state = useApi(() => api<{ datasets: DatasetRow[] }>('datasets'), []);
  if (state.error) return pageForError(state.error, 'Datasets');
  const datasets = state.data?.datasets;
  return (
    <section>
      <h1>Datasets</h1>
      {!datasets ? <p>Loading…</p> : null}
      {datasets && datasets.length === 0 ? <p>No datasets yet: add one with `mlp data add` or the catalog's SDK.</p> : null}
      <table class="grid" data-testid="datasets">
        <thead>
          <tr>
            <th>Name</th>
            <th>Versions</th>
            <th>Latest</th>
            <th>Rows</th>
            <th>Size</th>
            <th>Updated</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {datasets?.map((d) => (
            <tr key={d.name}>
              <td>
                <a href={`/datasets/${enc(d.name)}`}>{d.name}</a>
              </td>
              <td>{d.version_count}</td>
              <td>{d.latest ? <a href={`/datasets/${enc(d.name)}?version=${enc(d.latest.ref)}`}>{d.latest.ref}</a> : ''}</td>
              <td>{d.latest?.schema ? d.latest.schema.row_count.toLocaleString() : ''}</td>
              <td>{d.latest ? formatBytes(d.latest.size) : ''}</td>
              <td>{formatTime(d.latest?.created_at ?? d.created_at)}</td>
              <td>{d.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
