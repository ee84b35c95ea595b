import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { enc, type PipelineRun, type PipelineStep } from './section-types';
import { usePoll } from './use-poll';
import './sections.css';

interface PipelinesAnswer {
  pipelines: {
    name: string;
    steps: PipelineStep[];
    updated_at: number;
    last_run: { run_id: string; status: string; created_at: number } | null;
  }[];
  runs: PipelineRun[];
}

const live = (status: string) => status === 'queued' || status === 'running';

/** The recorded pipelines and their latest runs (refreshed while one is live). */
export function PipelinesPage() {
  const first = useApi(() => api<PipelinesAnswer>('pipelines'), []);
  const tick = usePoll(Boolean(first.data?.runs.some((r) => live(r.status))));
  const state = useApi(() => api<PipelinesAnswer>('pipelines'), [tick]);
  const data = state.data ?? first.data;
  if (first.error) return pageForError(first.error, 'Pipelines');
  if (!data) return <p>Loading…</p>;
  return (
    <section>
      <h1>Pipelines</h1>
      {data.pipelines.length === 0 ? <p>No pipeline has run here yet: `mlp pipeline run PIPELINE.ts`.</p> : null}
      <table class="grid" data-testid="pipelines">
        <thead>
          <tr>
            <th>Pipeline</th>
            <th>Steps</th>
            <th>Last run</th>
          </tr>
        </thead>
        <tbody>
          {data.pipelines.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{p.steps.map((s) => s.name).join(' → ')}</td>
              <td>
                {p.last_run ? (
                  <a href={`/pipelines/runs/${enc(p.last_run.run_id)}`}>
                    <span class={`status ${p.last_run.status}`}>{p.last_run.status}</span> {formatTime(p.last_run.created_at)}
                  </a>
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Runs</h2>
      <table class="grid" data-testid="pipeline-runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Pipeline</th>
            <th>Status</th>
            <th>Trigger</th>
            <th>Created</th>
            <th>Ended</th>
          </tr>
        </thead>
        <tbody>
          {data.runs.map((r) => (
            <tr key={r.run_id}>
              <td>
                <a href={`/pipelines/runs/${enc(r.run_id)}`}>{r.run_id.slice(0, 12)}</a>
              </td>
              <td>{r.pipeline}</td>
              <td>
                <span class={`status ${r.status}`}>{r.status}</span>
              </td>
              <td>{r.trigger}</td>
              <td>{formatTime(r.created_at)}</td>
              <td>{formatTime(r.ended_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
