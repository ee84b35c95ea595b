import { Component } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunRow } from '../api';

export type Column = { id: string; label: string; value: (run: RunRow) => string; orderBy?: string };

export const rowHeight = 28;
/** Rows drawn beyond the viewport each side: few, since a row drawn and never seen is paint wasted on every step. */
const overscan = 3;

interface RowProps {
  run: RunRow | undefined;
  columns: Column[];
  checked: boolean;
  toggle: (runId: string) => void;
}

/**
 * One row of the window: fixed height, cells of fixed widths, layout-contained, so a row rewritten lays
 * out nothing else. Redrawn only when what it shows changed.
 */
class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps) {
    const now = this.props;
    return next.run !== now.run || next.columns !== now.columns || next.checked !== now.checked;
  }

  override render({ run, columns, checked, toggle }: RowProps) {
    if (!run)
      return (
        <div class="vrow pending">
          <span>loading…</span>
        </div>
      );
    return (
      <div class="vrow" data-run-id={run.run_id}>
        <span>
          <input type="checkbox" aria-label={`select ${run.name}`} checked={checked} onChange={() => toggle(run.run_id)} />
        </span>
        {columns.map((c) =>
          c.id === 'name' ? (
            <a key={c.id} href={`/runs/${encodeURIComponent(run.run_id)}`}>
              {run.name || run.run_id}
            </a>
          ) : (
            <span key={c.id}>{c.value(run)}</span>
          ),
        )}
      </div>
    );
  }
}

/**
 * The table's scrolling body: a spacer as tall as every row, and only the rows in view (plus a few)
 * drawn, in one block moved by a transform. Rows are keyed by their place in that block, so scrolling
 * rewrites texts in place instead of building, dropping or moving DOM rows; one transform for the block
 * (not a position per row) keeps the paint property trees small (measured: fewer long tasks than rows
 * placed one by one). The scroll position is read once per animation frame and the body re-renders only
 * when the first row in view changes; it lives here, so the page around never re-renders.
 */
export function RunsBody(props: {
  runs: RunRow[];
  /** Every run the search matched: the spacer is this tall, rows not loaded yet show as pending. */
  total: number | null;
  version: number;
  columns: Column[];
  selected: Set<string>;
  toggle: (runId: string) => void;
}) {
  const [top, setTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const body = useRef<HTMLDivElement>(null);
  const frame = useRef(0);
  // Measured when the size changes, not on every render (reading it after a render forces a layout).
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight || 600));
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame.current);
    };
  }, []);
  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = body.current;
      // Only a new first row re-renders (setting the same value is a no-op in Preact).
      if (el) setTop(Math.floor(el.scrollTop / rowHeight));
    });
  };
  const list = props.runs;
  const count = Math.max(list.length, props.total ?? 0);
  const first = Math.max(0, top - overscan);
  const last = Math.min(count, top + Math.ceil(viewport / rowHeight) + overscan + 1);
  const rows = [];
  for (let i = first; i < last; i++) {
    const run = list[i];
    rows.push(
      <Row
        key={i - first}
        run={run}
        columns={props.columns}
        checked={run ? props.selected.has(run.run_id) : false}
        toggle={props.toggle}
      />,
    );
  }
  return (
    <div class="vbody" data-testid="runs-body" ref={body} onScroll={onScroll}>
      <div class="vspacer" style={{ height: `${count * rowHeight}px` }}>
        <div class="vwindow" style={{ transform: `translateY(${first * rowHeight}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
