import { useMemo, useRef, useState } from 'preact/hooks';
import { api, type Experiment, type RunRow } from '../api';
import { formatTime, formatValue } from '../format';
import { navigate } from '../router';
import { useApi } from '../use-api';
import { pageForError } from './message-page';

const rowHeight = 28;
const overscan = 10;

type Column = { id: string; label: string; value: (run: RunRow) => string; orderBy?: string };

const fixed: Column[] = [
  { id: 'name', label: 'Run', value: (r) => r.name, orderBy: 'attributes.run_name' },
  { id: 'status', label: 'Status', value: (r) => r.status, orderBy: 'attributes.status' },
  { id: 'start', label: 'Started', value: (r) => formatTime(r.start_time), orderBy: 'attributes.start_time' },
];

const quote = (key: string) => (/^[A-Za-z0-9_.-]+$/.test(key) ? key : `\`${key}\``);

/** An experiment's runs: MLflow filter, server-side sort, a column chooser, virtualised rows, select to compare. */
export function RunsPage(props: { experimentId: string; query: URLSearchParams }) {
  const filter = props.query.get('filter') ?? '';
  const orderBy = props.query.get('order_by') ?? '';
  const [draft, setDraft] = useState(filter);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [chosen, setChosen] = useState<Set<string> | undefined>(undefined);
  const [showChooser, setShowChooser] = useState(false);
  const [scrollTop, setScrollTop] = useState(0);
  const body = useRef<HTMLDivElement>(null);

  const experiment = useApi(
    () => api<{ experiment: Experiment }>(`experiments/${encodeURIComponent(props.experimentId)}`),
    [props.experimentId],
  );
  const runs = useApi(
    () =>
      api<{ runs: RunRow[]; truncated: boolean }>(`experiments/${encodeURIComponent(props.experimentId)}/runs`, {
        filter,
        order_by: orderBy,
      }),
    [props.experimentId, filter, orderBy],
  );

  const allColumns = useMemo(() => {
    const params = new Set<string>();
    const metrics = new Set<string>();
    const tags = new Set<string>();
    for (const run of runs.data?.runs ?? []) {
      for (const k in run.params) params.add(k);
      for (const k in run.metrics) metrics.add(k);
      for (const k in run.tags) if (!k.startsWith('mlflow.')) tags.add(k);
    }
    const columns: Column[] = [];
    for (const k of [...metrics].sort())
      columns.push({ id: `metrics.${k}`, label: k, value: (r) => formatValue(r.metrics[k]), orderBy: `metrics.${quote(k)}` });
    for (const k of [...params].sort())
      columns.push({ id: `params.${k}`, label: k, value: (r) => r.params[k] ?? '', orderBy: `params.${quote(k)}` });
    for (const k of [...tags].sort())
      columns.push({ id: `tags.${k}`, label: k, value: (r) => r.tags[k] ?? '', orderBy: `tags.${quote(k)}` });
    return columns;
  }, [runs.data]);

  if (experiment.error) return pageForError(experiment.error, 'Experiment');
  const visibleColumns = [...fixed, ...allColumns.filter((c, i) => (chosen ? chosen.has(c.id) : i < 12))];
  const list = runs.data?.runs ?? [];
  const viewport = body.current?.clientHeight ?? 600;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(list.length, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);

  const setQuery = (next: Record<string, string>) => {
    const q = new URLSearchParams(props.query);
    for (const [k, v] of Object.entries(next)) v ? q.set(k, v) : q.delete(k);
    navigate(`/experiments/${encodeURIComponent(props.experimentId)}${q.size ? `?${q}` : ''}`);
  };
  const sortBy = (column: Column) => {
    if (!column.orderBy) return;
    const asc = `${column.orderBy} ASC`;
    setQuery({ order_by: orderBy === asc ? `${column.orderBy} DESC` : asc });
  };
  const toggle = (id: string) => {
    const next = new Set(selected);
    next.has(id) ? next.delete(id) : next.add(id);
    setSelected(next);
  };
  const template = `32px ${visibleColumns.map(() => 'minmax(120px, 1fr)').join(' ')}`;

  return (
    <section class="runs-page">
      <h1>{experiment.data?.experiment.name ?? 'Experiment'}</h1>
      <form
        class="filter"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ filter: draft.trim() });
        }}
      >
        <input
          name="filter"
          placeholder="metrics.rmse < 1 and params.model = 'mlp'"
          value={draft}
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
        <button type="button" onClick={() => setShowChooser(!showChooser)}>
          Columns
        </button>
        <button
          type="button"
          disabled={selected.size < 2}
          data-testid="compare"
          onClick={() => navigate(`/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`)}
        >
          Compare {selected.size || ''}
        </button>
      </form>
      {runs.error ? (
        <p class="error" data-testid="filter-error">
          {runs.error.message}
        </p>
      ) : null}
      {showChooser ? (
        <fieldset class="chooser" data-testid="column-chooser">
          {allColumns.map((c, i) => (
            <label key={c.id}>
              <input
                type="checkbox"
                checked={chosen ? chosen.has(c.id) : i < 12}
                onChange={() => {
                  const next = new Set(chosen ?? allColumns.slice(0, 12).map((x) => x.id));
                  next.has(c.id) ? next.delete(c.id) : next.add(c.id);
                  setChosen(next);
                }}
              />
              {c.id}
            </label>
          ))}
        </fieldset>
      ) : null}
      <p class="count" data-testid="run-count">
        {runs.loading ? 'Loading…' : `${list.length} runs${runs.data?.truncated ? ' (more: narrow the filter)' : ''}`}
      </p>
      <div class="vtable">
        <div class="vrow vhead" style={{ gridTemplateColumns: template }}>
          <span />
          {visibleColumns.map((c) => (
            <button type="button" key={c.id} title={c.id} class="link sortable" onClick={() => sortBy(c)}>
              {c.label}
              {orderBy.startsWith(`${c.orderBy} `) ? (orderBy.endsWith('DESC') ? ' ▼' : ' ▲') : ''}
            </button>
          ))}
        </div>
        <div class="vbody" ref={body} data-testid="runs-body" onScroll={(e) => setScrollTop((e.target as HTMLElement).scrollTop)}>
          <div style={{ height: `${list.length * rowHeight}px`, position: 'relative' }}>
            {list.slice(first, last).map((run, i) => (
              <div
                key={run.run_id}
                class="vrow"
                data-run-id={run.run_id}
                style={{ gridTemplateColumns: template, top: `${(first + i) * rowHeight}px`, height: `${rowHeight}px` }}
              >
                <span>
                  <input
                    type="checkbox"
                    aria-label={`select ${run.name}`}
                    checked={selected.has(run.run_id)}
                    onChange={() => toggle(run.run_id)}
                  />
                </span>
                {visibleColumns.map((c) => (
                  <span key={c.id}>
                    {c.id === 'name' ? <a href={`/runs/${encodeURIComponent(run.run_id)}`}>{run.name || run.run_id}</a> : c.value(run)}
                  </span>
                ))}
              </div>
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}
