import { useMemo, useRef, useState } from 'preact/hooks';
import { api, type MetricSeries, metricSeries, type RunDetail } from '../api';
import { Chart, type ChartSeries, useVisible } from '../chart';
import { formatTime, toNumber } from '../format';
import { datasetHref } from '../sections/dataset-href';
import { RunValidations } from '../sections/run-validations';
import { useApi } from '../use-api';
import { Artifacts } from './artifacts';
import { KeyValueList } from './key-value-list';
import { pageForError } from './message-page';

const chartWidth = 800;

/**
 * The first charts' histories (about a screen of charts) are asked for as soon as the run's keys are
 * known, before the charts mount and scroll into view; each is taken once by its chart.
 */
const earlyCharts = 4;
const early = new Map<string, Promise<MetricSeries>>();
const earlyKey = (runId: string, metric: string) => JSON.stringify([runId, metric]);
function fetchFirstCharts(run: RunDetail) {
  for (const key of Object.keys(run.metrics).sort().slice(0, earlyCharts)) {
    const answer = metricSeries(run.run_id, key, chartWidth, 'step');
    answer.catch(() => {}); // its chart shows the error when it takes the answer
    early.set(earlyKey(run.run_id, key), answer);
  }
}
function takeEarly(runId: string, metric: string) {
  const id = earlyKey(runId, metric);
  const answer = early.get(id);
  early.delete(id);
  return answer;
}

/** A metric's chart; its history is fetched (reduced to the chart's width on the server) once it scrolls into view. */
function MetricChart(props: { runId: string; metric: string }) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useVisible(box);
  const state = useApi(
    () =>
      visible
        ? (takeEarly(props.runId, props.metric) ?? metricSeries(props.runId, props.metric, chartWidth, 'step'))
        : Promise.resolve(undefined),
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

/** Charts drawn at first, and added per "more": thousands of metrics never mount thousands of charts. */
const chartsPerPage = 12;

/** The run's metric charts: a search over the keys, the first matches mounted, each fetched once it scrolls into view. */
function MetricCharts(props: { runId: string; keys: string[] }) {
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(chartsPerPage);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return needle ? props.keys.filter((k) => k.toLowerCase().includes(needle)) : props.keys;
  }, [props.keys, search]);
  return (
    <div>
      {props.keys.length > chartsPerPage ? (
        <input
          type="search"
          name="chart-search"
          class="chart-search"
          placeholder={`Search ${props.keys.length} metrics to chart`}
          value={search}
          onInput={(e) => {
            setSearch((e.target as HTMLInputElement).value);
            setLimit(chartsPerPage);
          }}
        />
      ) : null}
      <div class="charts">
        {shown.slice(0, limit).map((key) => (
          <MetricChart key={key} runId={props.runId} metric={key} />
        ))}
      </div>
      {shown.length > limit ? (
        <button type="button" data-testid="more-charts" onClick={() => setLimit(limit + chartsPerPage)}>
          Show {Math.min(chartsPerPage, shown.length - limit)} more of {shown.length - limit} charts
        </button>
      ) : null}
    </div>
  );
}

export function RunPage(props: { runId: string }) {
  const state = useApi(
    () =>
      api<{ run: RunDetail }>(`runs/${encodeURIComponent(props.runId)}`).then((answer) => {
        fetchFirstCharts(answer.run);
        return answer;
      }),
    [props.runId],
  );
  // The datasets a run used link to the datasets pages when the server has them.
  const pages = useApi(() => api<{ pages: { id: string }[] }>('pages'), []);
  const hasDatasets = Boolean(pages.data?.pages.some((p) => p.id === 'datasets'));
  const metricKeys = useMemo(() => Object.keys(state.data?.run.metrics ?? {}).sort(), [state.data]);
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
        <KeyValueList title="Params" values={run.params} />
        <KeyValueList title="Metrics" values={run.metrics} />
        <KeyValueList title="Tags" values={run.tags} />
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
      <MetricCharts runId={run.run_id} keys={metricKeys} />
      <h2>Artifacts</h2>
      <Artifacts runId={run.run_id} />
    </section>
  );
}
