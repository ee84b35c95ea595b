import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime } from '../format';
import { useApi } from '../use-api';
import { enc, type Validation } from './section-types';
import './sections.css';

/** A validation's HTML report, fetched with the token and shown sandboxed: no scripts, no access to this origin. */
function Report(props: { validationId: string }) {
  const state = useApi(() => api<{ html: string }>(`validations/${enc(props.validationId)}/report`), [props.validationId]);
  if (state.error) return <p class="error">{state.error.message}</p>;
  if (!state.data) return <p>Loading the report…</p>;
  return <iframe class="report" data-testid="validation-report" sandbox="" srcdoc={state.data.html} title="validation report" />;
}

/** Stored validation results (a dataset version's, a run's) with a button that shows each one's report. */
export function ValidationsTable(props: { validations: Validation[] }) {
  const [report, setReport] = useState<string>();
  return (
    <div>
      <table class="grid" data-testid="validations">
        <thead>
          <tr>
            <th>Suite</th>
            <th>Result</th>
            <th>Expectations</th>
            <th>Rows</th>
            <th>Dataset version</th>
            <th>Run</th>
            <th>When</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.validations.map((v) => (
            <tr key={v.validation_id}>
              <td>{v.suite_name}</td>
              <td class={v.success ? 'pass' : 'fail'}>{v.success ? 'passed' : 'failed'}</td>
              <td>
                {v.successful}/{v.evaluated}
              </td>
              <td>{v.row_count.toLocaleString()}</td>
              <td>{v.dataset_version ?? ''}</td>
              <td>{v.run_id ? <a href={`/runs/${enc(v.run_id)}`}>{v.run_id.slice(0, 8)}</a> : ''}</td>
              <td>{formatTime(v.started_at)}</td>
              <td>
                <button type="button" onClick={() => setReport(v.validation_id)}>
                  Report
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report ? <Report key={report} validationId={report} /> : null}
    </div>
  );
}
