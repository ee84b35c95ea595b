import { Component } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunRow } from '../api';

export type Column = { id: string; label: string; value: (run: RunRow) => string; orderBy?: string };

export const rowHeight = 28;
const overscan = 10;

interface RowProps {
  run: RunRow;
  top: number;
  columns: Column[];
  template: string;
  checked: boolean;
  toggle: (runId: string) => void;
}

/** One row; redrawn only when what it shows changed (scrolling re-renders the window, not every row's cells). */
class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps) {
    const now = this.props;
    return (
      next.run !== now.run ||
      next.top !== now.top ||
      next.columns !== now.columns ||
      next.template !== now.template ||
      next.checked !== now.checked
    );
  }

  override render({ run, top, columns, template, checked, toggle }: RowProps) {
    return (
      <div class="vrow" data-run-id={run.run_id} style={{ gridTemplateColumns: template, top: `${top}px`, height: `${rowHeight}px` }}>
        <span>
          <input type="checkbox" aria-label={`select ${run.name}`} checked={checked} onChange={() => toggle(run.run_id)} />
        </span>
        {columns.map((c) => (
          <span key={c.id}>
            {c.id === 'name' ? <a href={`/runs/${encodeURIComponent(run.run_id)}`}>{run.name || run.run_id}</a> : c.value(run)}
          </span>
        ))}
      </div>
    );
  }
}

/**
 * The table's scrolling body: a spacer as tall as every row, and only the rows in view (plus a margin)
 * drawn. Rows are keyed by their slot in the window, so scrolling rewrites a few texts in place instead
 * of building and dropping DOM rows; the scroll position lives here, so the page around it never re-renders.
 */
export function RunsBody(props: {
  runs: RunRow[];
  /** Every run the search matched: the spacer is this tall, rows not loaded yet show as pending. */
  total: number | null;
  version: number;
  columns: Column[];
  template: string;
  selected: Set<string>;
  toggle: (runId: string) => void;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const body = useRef<HTMLDivElement>(null);
  // Measured when the size changes, not on every render (reading it after a render forces a layout).
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight || 600));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const list = props.runs;
  const count = Math.max(list.length, props.total ?? 0);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  const slots = Math.ceil(viewport / rowHeight) + 2 * overscan + 1;
  const rows = [];
  for (let i = first; i < last; i++) {
    const run = list[i];
    if (!run) {
      rows.push(
        <div key={i % slots} class="vrow pending" style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }}>
          <span>loading…</span>
        </div>,
      );
      continue;
    }
    rows.push(
      <Row
        key={i % slots}
        run={run}
        top={i * rowHeight}
        columns={props.columns}
        template={props.template}
        checked={props.selected.has(run.run_id)}
        toggle={props.toggle}
      />,
    );
  }
  return (
    <div class="vbody" data-testid="runs-body" ref={body} onScroll={(e) => setScrollTop((e.target as HTMLElement).scrollTop)}>
      <div style={{ height: `${count * rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}
