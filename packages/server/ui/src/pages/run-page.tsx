import { useRef } from 'preact/hooks';
import { api, metricSeries, type RunDetail } from '../api';
import { Chart, type ChartSeries, useVisible } from '../chart';
import { formatTime, formatValue, toNumber } from '../format';
import { datasetHref } from '../sections/dataset-href';
import { RunValidations } from '../sections/run-validations';
import { useApi } from '../use-api';
import { Artifacts } from './artifacts';
import { pageForError } from './message-page';

const chartWidth = 800;

/** A metric's chart; its history is fetched (reduced to the chart's width on the server) once it scrolls into view. */
function MetricChart(props: { runId: string; metric: string }) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useVisible(box);
  const state = useApi(
    () => (visible ? metricSeries(props.runId, props.metric, chartWidth, 'step') : Promise.resolve(undefined)),
    [visible, props.runId, props.metric],
  );
  if (state.error) return <p class="error">{state.error.message}</p>;
  if (!state.data)
    return (
      <div class="chart-placeholder" ref={box}>
        Loading {props.metric}…
      </div>
    );
  const series: ChartSeries[] = [{ label: props.metric, x: state.data.x, y: state.data.y.map(toNumber) }];
  return <Chart title={`${props.metric} (${state.data.total_points} points)`} series={series} />;
}

function KeyValues(props: { title: string; values: Record<string, string | number> }) {
  const keys = Object.keys(props.values).sort();
  return (
    <div>
      <h2>{props.title}</h2>
      {keys.length === 0 ? <p>None.</p> : null}
      <table class="grid kv" data-testid={props.title.toLowerCase()}>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{formatValue(props.values[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RunPage(props: { runId: string }) {
  const state = useApi(() => api<{ run: RunDetail }>(`runs/${encodeURIComponent(props.runId)}`), [props.runId]);
  // The datasets a run used link to the datasets pages when the server has them.
  const pages = useApi(() => api<{ pages: { id: string }[] }>('pages'), []);
  const hasDatasets = Boolean(pages.data?.pages.some((p) => p.id === 'datasets'));
  if (state.error) return pageForError(state.error, 'Run');
  const run = state.data?.run;
  if (!run) return <p>Loading…</p>;
  return (
    <section class="run-page">
      <h1>{run.name || run.run_id}</h1>
      <p>
        <a href={`/experiments/${encodeURIComponent(run.experiment_id)}`}>Experiment {run.experiment_id}</a> · {run.status} · started{' '}
        {formatTime(run.start_time)} {run.end_time ? `· ended ${formatTime(run.end_time)}` : ''} · <code>{run.run_id}</code>
      </p>
      <div class="columns">
        <KeyValues title="Params" values={run.params} />
        <KeyValues title="Metrics" values={run.metrics} />
        <KeyValues title="Tags" values={run.tags} />
      </div>
      {run.inputs.length ? (
        <div>
          <h2>Datasets</h2>
          <ul>
            {run.inputs.map((d) => (
              <li key={`${d.name}@${d.digest}`}>
                {hasDatasets ? <a href={datasetHref(d.name)}>{d.name}</a> : d.name} <code>{d.digest}</code>{' '}
                {d.context ? `(${d.context})` : ''} {d.source}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <RunValidations runId={run.run_id} />
      <h2>Charts</h2>
      <div class="charts">
        {Object.keys(run.metrics)
          .sort()
          .map((key) => (
            <MetricChart key={key} runId={run.run_id} metric={key} />
          ))}
      </div>
      <h2>Artifacts</h2>
      <Artifacts runId={run.run_id} />
    </section>
  );
}
