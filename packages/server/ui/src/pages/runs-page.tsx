import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Experiment, type RunRow } from '../api';
import { formatTime, formatValue } from '../format';
import { navigate } from '../router';
import { useRunPages } from '../run-pages';
import { useApi } from '../use-api';
import { ColumnChooser } from './column-chooser';
import { pageForError } from './message-page';
import { type Column, RunsBody } from './runs-body';

/** Columns shown until the user chooses: few, so a row stays cheap to draw. */
const defaultColumns = 8;
const checkWidth = 32;
const cellMinWidth = 120;

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

  const experiment = useApi(
    () => api<{ experiment: Experiment }>(`experiments/${encodeURIComponent(props.experimentId)}`),
    [props.experimentId],
  );
  const runs = useRunPages(props.experimentId, filter, orderBy);

  // Keys seen so far, gathered from new pages only; the columns change (and rows redraw) only when a key is new.
  const seen = useRef({
    runs: [] as unknown[],
    scanned: 0,
    added: 0,
    params: new Set<string>(),
    metrics: new Set<string>(),
    tags: new Set<string>(),
  });
  if (seen.current.runs !== runs.runs)
    seen.current = { runs: runs.runs, scanned: 0, added: 0, params: new Set(), metrics: new Set(), tags: new Set() };
  const keys = seen.current;
  for (; keys.scanned < runs.runs.length; keys.scanned++) {
    const run = runs.runs[keys.scanned] as RunRow;
    const before = keys.params.size + keys.metrics.size + keys.tags.size;
    for (const k in run.params) keys.params.add(k);
    for (const k in run.metrics) keys.metrics.add(k);
    for (const k in run.tags) if (!k.startsWith('mlflow.')) keys.tags.add(k);
    if (keys.params.size + keys.metrics.size + keys.tags.size !== before) keys.added++;
  }
  // Rebuilt when a key is new (not on every render: thousands of keys are sorted here).
  const allColumns = useMemo(() => {
    const columns: Column[] = [];
    for (const k of [...keys.metrics].sort())
      columns.push({ id: `metrics.${k}`, label: k, value: (r) => formatValue(r.metrics[k]), orderBy: `metrics.${quote(k)}` });
    for (const k of [...keys.params].sort())
      columns.push({ id: `params.${k}`, label: k, value: (r) => r.params[k] ?? '', orderBy: `params.${quote(k)}` });
    for (const k of [...keys.tags].sort())
      columns.push({ id: `tags.${k}`, label: k, value: (r) => r.tags[k] ?? '', orderBy: `tags.${quote(k)}` });
    return columns;
  }, [keys, keys.added]);
  const visibleColumns = useMemo(
    () => [...fixed, ...allColumns.filter((c, i) => (chosen ? chosen.has(c.id) : i < defaultColumns))],
    [allColumns, chosen],
  );
  const toggle = useCallback((id: string) => {
    setSelected((old) => {
      const next = new Set(old);
      next.has(id) ? next.delete(id) : next.add(id);
      return next;
    });
  }, []);

  if (experiment.error) return pageForError(experiment.error, 'Experiment');
  const list = runs.runs;

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
  // Fixed cell widths (120 px at least, sharing what is wider): a row's layout never depends on its text.
  const rowMinWidth = `${checkWidth + visibleColumns.length * cellMinWidth}px`;

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
        <ColumnChooser
          columns={allColumns}
          isShown={(c, i) => (chosen ? chosen.has(c.id) : i < defaultColumns)}
          toggle={(id) => {
            const next = new Set(chosen ?? allColumns.slice(0, defaultColumns).map((x) => x.id));
            next.has(id) ? next.delete(id) : next.add(id);
            setChosen(next);
          }}
        />
      ) : null}
      <p class="count" data-testid="run-count">
        {runs.loading ? 'Loading…' : `${runs.total ?? list.length} runs${runs.done ? '' : ` · ${list.length} loaded, loading the rest…`}`}
      </p>
      <div class="vtable" style={{ '--row-min': rowMinWidth }}>
        <div class="vrow vhead">
          <span />
          {visibleColumns.map((c) => (
            <button type="button" key={c.id} title={c.id} class="link sortable" onClick={() => sortBy(c)}>
              {c.label}
              {orderBy.startsWith(`${c.orderBy} `) ? (orderBy.endsWith('DESC') ? ' ▼' : ' ▲') : ''}
            </button>
          ))}
        </div>
        <RunsBody runs={list} total={runs.total} version={runs.version} columns={visibleColumns} selected={selected} toggle={toggle} />
      </div>
    </section>
  );
}
