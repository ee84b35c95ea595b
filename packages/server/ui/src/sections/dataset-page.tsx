import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { type DatasetVersion, enc, formatBytes, type Validation } from './section-types';
import { ValidationsTable } from './validations-table';
import './sections.css';

interface VersionDetail {
  version: DatasetVersion;
  runs: { run_id: string; role: string; ref: string; recorded_at: number }[];
  validations: Validation[] | null;
}

function VersionPanel(props: { ref_: string }) {
  const state = useApi(() => api<VersionDetail>(`dataset-versions/${enc(props.ref_)}`), [props.ref_]);
  if (state.error) return pageForError(state.error, 'Dataset version');
  const detail = state.data;
  if (!detail) return <p>Loading {props.ref_}…</p>;
  const { version } = detail;
  return (
    <div data-testid="dataset-version">
      <h2>
        {version.ref} <small>{version.tags.map((t) => `#${t}`).join(' ')}</small>
      </h2>
      <p>
        {formatBytes(version.size)} · {version.nfiles} file{version.nfiles === 1 ? '' : 's'} · <code>{version.path}</code> ·{' '}
        <code>{version.root_hash}</code> · by {version.created_by} at {formatTime(version.created_at)}
        {version.source ? ` · from ${version.source.kind} ${version.source.uri}` : ''} ·{' '}
        <a href={`/lineage?dataset=${enc(version.ref)}`}>lineage</a>
      </p>
      {version.message ? <p>{version.message}</p> : null}
      <h3>Schema</h3>
      {version.schema ? (
        <table class="grid" data-testid="schema">
          <thead>
            <tr>
              <th>Column</th>
              <th>Type</th>
            </tr>
          </thead>
          <tbody>
            {version.schema.columns.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.type}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={2}>
                {version.schema.row_count.toLocaleString()} rows ({version.schema.format})
              </td>
            </tr>
          </tfoot>
        </table>
      ) : (
        <p>Not a tabular version: no schema summary.</p>
      )}
      <h3>Validation results</h3>
      {detail.validations === null ? <p>This server does not serve @mlp/validate's results.</p> : null}
      {detail.validations?.length === 0 ? <p>No validation of this version is stored.</p> : null}
      {detail.validations?.length ? <ValidationsTable validations={detail.validations} /> : null}
      <h3>Runs that used it</h3>
      {detail.runs.length === 0 ? <p>No run recorded a use of this version.</p> : null}
      <ul data-testid="dataset-runs">
        {detail.runs.map((r) => (
          <li key={`${r.run_id}-${r.role}`}>
            <a href={`/runs/${enc(r.run_id)}`}>{r.run_id}</a> ({r.role}, {formatTime(r.recorded_at)})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A dataset: its versions, and the chosen one's schema, validations, reports and runs. */
export function DatasetPage(props: { name: string; version: string | null }) {
  const state = useApi(
    () => api<{ dataset: { name: string; description: string }; versions: DatasetVersion[] }>(`datasets/${enc(props.name)}`),
    [props.name],
  );
  if (state.error) return pageForError(state.error, 'Dataset');
  const data = state.data;
  if (!data) return <p>Loading…</p>;
  const selected = props.version ?? data.versions[0]?.ref;
  return (
    <section>
      <h1>{data.dataset.name}</h1>
      {data.dataset.description ? <p>{data.dataset.description}</p> : null}
      <h2>Versions</h2>
      <table class="grid" data-testid="dataset-versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Rows</th>
            <th>Columns</th>
            <th>Size</th>
            <th>Tags</th>
            <th>Created</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {data.versions.map((v) => (
            <tr key={v.ref} class={v.ref === selected ? 'selected' : ''}>
              <td>
                <a href={`/datasets/${enc(data.dataset.name)}?version=${enc(v.ref)}`}>{v.ref}</a>
              </td>
              <td>{v.schema ? v.schema.row_count.toLocaleString() : ''}</td>
              <td>{v.schema ? v.schema.columns.length : ''}</td>
              <td>{formatBytes(v.size)}</td>
              <td>{v.tags.join(', ')}</td>
              <td>{formatTime(v.created_at)}</td>
              <td>{v.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected ? <VersionPanel key={selected} ref_={selected} /> : <p>No versions.</p>}
    </section>
  );
}
