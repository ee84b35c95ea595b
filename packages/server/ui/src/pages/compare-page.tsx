import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchRuns, type RunDetail } from '../api';
import { batchedHistories, prefetchHistories } from '../batched-histories';
import { Chart, type ChartSeries, useVisible } from '../chart';
import { formatValue, toNumber } from '../format';
import { useApi } from '../use-api';
import { MessagePage, pageForError } from './message-page';

type XMode = 'step' | 'time' | 'relative';

/** Exponential moving average with debiasing (as TensorBoard), `weight` in [0, 1). */
function smooth(y: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return y;
  let last = 0;
  let n = 0;
  return y.map((v) => {
    if (v === null) return null;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

/** Points an overlaid chart may hold in all: with many runs, each line is reduced to fewer buckets. */
const chartPointBudget = 40_000;
const chartWidth = 440;

/** Buckets per line: the chart's width, or fewer so that runs × 4 points a bucket stay in the budget. */
export const compareBuckets = (runs: number) => Math.max(10, Math.min(chartWidth, Math.floor(chartPointBudget / (4 * Math.max(1, runs)))));

/** Charts whose histories are fetched with the runs (about two screens of charts). */
const earlyCharts = 10;

/**
 * Past 10 overlaid lines (the palette's colours repeat and the legend is hidden) no single line is told
 * apart, so a bucket covers at least 64 steps: a dense series' base rollup block, merged on the server
 * without reading its points. A 1,000-step line is then 16 buckets (up to 64 points, one every ~7 px of
 * the chart), its smallest and largest point per bucket kept, instead of 100 buckets read point by point.
 */
export const compareMinBucketSteps = (runs: number) => (runs > 10 ? 64 : undefined);

function MetricCompare(props: { runs: RunDetail[]; metric: string; x: XMode; smoothing: number; log: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useVisible(box);
  const state = useApi(
    () =>
      visible
        ? batchedHistories(
            props.runs.map((r) => r.run_id),
            props.metric,
            compareBuckets(props.runs.length),
            props.x === 'step' ? 'step' : 'time',
            compareMinBucketSteps(props.runs.length),
          )
        : Promise.resolve(undefined),
    [visible, props.runs, props.metric, props.x],
  );
  const series = useMemo<ChartSeries[]>(
    () =>
      (state.data ?? []).map((s, i) => {
        const run = props.runs[i]!;
        const x =
          props.x === 'relative' ? s.x.map((t) => (t - run.start_time) / 1000) : props.x === 'time' ? s.x.map((t) => t / 1000) : s.x;
        return { label: run.name || run.run_id, x, y: smooth(s.y.map(toNumber), props.smoothing) };
      }),
    [state.data, props.smoothing],
  );
  if (state.error) return <p class="error">{state.error.message}</p>;
  if (!state.data)
    return (
      <div class="chart-placeholder" ref={box}>
        Loading {props.metric}…
      </div>
    );
  return <Chart title={props.metric} series={series} log={props.log} time={props.x === 'time'} />;
}

/** Parallel coordinates: one axis per numeric param, then the metric; one line per run, coloured by the metric. */
function ParallelCoordinates(props: { runs: RunDetail[]; metric: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const params = [...new Set(props.runs.flatMap((r) => Object.keys(r.params)))].sort();
    const axes = [
      ...params.map((p) => ({ label: p, value: (r: RunDetail) => r.params[p] })),
      { label: props.metric, value: (r: RunDetail) => r.metrics[props.metric] },
    ];
    const width = el.clientWidth || 800;
    const height = 260;
    el.width = width;
    el.height = height;
    ctx.clearRect(0, 0, width, height);
    ctx.font = '12px sans-serif';
    const pad = 30;
    const scales = axes.map((axis) => {
      const raw = props.runs.map((r) => axis.value(r));
      const numbers = raw.map((v) => toNumber(v as string));
      if (numbers.every((n) => n !== null)) {
        const min = Math.min(...(numbers as number[]));
        const max = Math.max(...(numbers as number[]));
        return (v: unknown) => (max === min ? 0.5 : ((toNumber(v as string) ?? min) - min) / (max - min));
      }
      const categories = [...new Set(raw.map(String))].sort();
      return (v: unknown) => (categories.length < 2 ? 0.5 : categories.indexOf(String(v)) / (categories.length - 1));
    });
    const xAt = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, axes.length - 1);
    const yAt = (f: number) => height - pad - f * (height - 2 * pad);
    ctx.strokeStyle = '#999';
    axes.forEach((axis, i) => {
      ctx.beginPath();
      ctx.moveTo(xAt(i), pad);
      ctx.lineTo(xAt(i), height - pad);
      ctx.stroke();
      ctx.fillStyle = '#333';
      ctx.fillText(axis.label, xAt(i) - 20, 14);
    });
    const metricScale = scales.at(-1)!;
    for (const run of props.runs) {
      const m = metricScale(run.metrics[props.metric]);
      ctx.strokeStyle = `hsl(${240 - 240 * m}, 70%, 45%)`;
      ctx.beginPath();
      axes.forEach((axis, i) => {
        const y = yAt(scales[i]!(axis.value(run)));
        i === 0 ? ctx.moveTo(xAt(i), y) : ctx.lineTo(xAt(i), y);
      });
      ctx.stroke();
    }
  }, [props.runs, props.metric]);
  return <canvas ref={canvas} class="parallel" data-testid="parallel-coordinates" style={{ width: '100%', height: '260px' }} />;
}

function valueIn(run: RunDetail, key: string): number | null {
  const [kind, ...rest] = key.split('.');
  const name = rest.join('.');
  return toNumber(kind === 'metrics' ? run.metrics[name] : run.params[name]);
}

export function ComparePage(props: { query: URLSearchParams }) {
  const ids = (props.query.get('runs') ?? '').split(',').filter(Boolean);
  const [x, setX] = useState<XMode>('step');
  const [smoothing, setSmoothing] = useState(0);
  const [log, setLog] = useState(false);
  // The first charts' histories are asked for with the runs' answer, not after the page renders.
  const state = useApi(
    () =>
      fetchRuns(ids).then((runs) => {
        const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, earlyCharts);
        const runIds = runs.map((r) => r.run_id);
        prefetchHistories(runIds, keys, compareBuckets(runs.length), 'step', compareMinBucketSteps(runs.length));
        return runs;
      }),
    [ids.join(',')],
  );
  const runs = state.data ?? [];
  const metrics = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const params = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(), [runs]);
  const values = [...metrics.map((m) => `metrics.${m}`), ...params.map((p) => `params.${p}`)];
  const [target, setTarget] = useState('');
  const [scatterX, setScatterX] = useState('');
  const [scatterY, setScatterY] = useState('');
  if (ids.length === 0) return <MessagePage title="Nothing to compare" text="Choose runs in an experiment's table, then Compare." />;
  if (state.error) return pageForError(state.error, 'Run');
  if (!state.data) return <p>Loading…</p>;
  const metric = target || metrics[0] || '';
  const sx = scatterX || values[0] || '';
  const sy = scatterY || values[1] || values[0] || '';
  const points = runs
    .map((r) => ({ x: valueIn(r, sx), y: valueIn(r, sy) }))
    .filter((p) => p.x !== null)
    .sort((a, b) => (a.x as number) - (b.x as number));
  const scatter: ChartSeries[] = [{ label: sy, x: points.map((p) => p.x as number), y: points.map((p) => p.y) }];
  const select = (value: string, set: (v: string) => void, name: string) => (
    <select name={name} value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
      {values.map((v) => (
        <option key={v}>{v}</option>
      ))}
    </select>
  );
  const differs = (get: (r: RunDetail) => unknown) => new Set(runs.map((r) => String(get(r) ?? ''))).size > 1;

  return (
    <section class="compare-page">
      <h1>Comparing {runs.length} runs</h1>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          x axis{' '}
          <select name="x" value={x} onChange={(e) => setX((e.target as HTMLSelectElement).value as XMode)}>
            <option value="step">step</option>
            <option value="time">time</option>
            <option value="relative">relative time (s)</option>
          </select>
        </label>
        <label>
          smoothing{' '}
          <input
            name="smoothing"
            type="range"
            min="0"
            max="0.99"
            step="0.01"
            value={smoothing}
            onInput={(e) => setSmoothing(Number((e.target as HTMLInputElement).value))}
          />
        </label>
        <label>
          <input name="log" type="checkbox" checked={log} onChange={() => setLog(!log)} /> log scale
        </label>
      </form>
      <p class="note">
        Each line is reduced on the server to at most {compareBuckets(runs.length)} buckets of steps
        {compareMinBucketSteps(runs.length) ? `, each at least ${compareMinBucketSteps(runs.length)} steps wide` : ''} (first, last,
        smallest and largest point of each kept); charts load when they scroll into view.
      </p>
      <div class="charts">
        {metrics.map((m) => (
          <MetricCompare key={m} runs={runs} metric={m} x={x} smoothing={smoothing} log={log} />
        ))}
      </div>
      <h2>Parallel coordinates</h2>
      <label>
        metric{' '}
        <select value={metric} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
          {metrics.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <ParallelCoordinates runs={runs} metric={metric} />
      <h2>Scatter</h2>
      <p>
        x {select(sx, setScatterX, 'scatter-x')} y {select(sy, setScatterY, 'scatter-y')}
      </p>
      <Chart key={`${sx}|${sy}`} title={`${sy} against ${sx}`} series={scatter} points />
      <h2>Differences</h2>
      <table class="grid" data-testid="diff-table">
        <thead>
          <tr>
            <th />
            {runs.map((r) => (
              <th key={r.run_id}>
                <a href={`/runs/${encodeURIComponent(r.run_id)}`}>{r.name || r.run_id}</a>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {params.map((p) => (
            <tr key={`p.${p}`} class={differs((r) => r.params[p]) ? 'differs' : ''}>
              <th>params.{p}</th>
              {runs.map((r) => (
                <td key={r.run_id}>{r.params[p] ?? ''}</td>
              ))}
            </tr>
          ))}
          {metrics.map((m) => (
            <tr key={`m.${m}`} class={differs((r) => r.metrics[m]) ? 'differs' : ''}>
              <th>metrics.{m}</th>
              {runs.map((r) => (
                <td key={r.run_id}>{formatValue(r.metrics[m])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
