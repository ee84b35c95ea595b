import { useState } from 'preact/hooks';
import { api } from '../api';
import { pageForError } from '../pages/message-page';
import { navigate } from '../router';
import { useApi } from '../use-api';
import { layoutLineage, nodeHeight, nodeWidth } from './lineage-layout';
import type { LineageNode } from './section-types';
import './sections.css';

const headings = ['dataset versions', 'runs', 'model versions', 'deployments'];

function LineageGraph(props: { query: { model?: string; dataset?: string } }) {
  const state = useApi(
    () => api<{ nodes: LineageNode[]; edges: { from: string; to: string }[] }>('lineage', props.query),
    [props.query.model, props.query.dataset],
  );
  if (state.error) return pageForError(state.error, props.query.model ? 'Model' : 'Dataset version');
  if (!state.data) return <p>Loading…</p>;
  const layout = layoutLineage(state.data.nodes, state.data.edges);
  if (layout.nodes.length === 0) return <p>Nothing recorded yet.</p>;
  return (
    <svg class="lineage" data-testid="lineage-graph" width={layout.width} height={layout.height} role="img" aria-label="lineage graph">
      {headings.map((h, i) => (
        <text key={h} class="heading" x={10 + i * (nodeWidth + 90)} y={16}>
          {h}
        </text>
      ))}
      {layout.edges.map((e) => (
        <path
          key={`${e.from.id}>${e.to.id}`}
          class="edge"
          data-from={e.from.id}
          data-to={e.to.id}
          d={`M${e.from.x + nodeWidth},${e.from.y + nodeHeight / 2} C${e.from.x + nodeWidth + 45},${e.from.y + nodeHeight / 2} ${e.to.x - 45},${e.to.y + nodeHeight / 2} ${e.to.x},${e.to.y + nodeHeight / 2}`}
        />
      ))}
      {layout.nodes.map((n) => {
        const box = (
          <g class={`node ${n.kind}`} data-node={n.id}>
            <rect x={n.x} y={n.y} width={nodeWidth} height={nodeHeight} rx={5} />
            <text x={n.x + 8} y={n.y + nodeHeight / 2 + 4}>
              {n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label}
            </text>
            <title>{n.label}</title>
          </g>
        );
        return n.href ? (
          <a key={n.id} href={n.href}>
            {box}
          </a>
        ) : (
          <g key={n.id}>{box}</g>
        );
      })}
    </svg>
  );
}

/** The lineage graph of a model or a dataset version: dataset version → run → model version → deployment. */
export function LineagePage(props: { query: URLSearchParams }) {
  const model = props.query.get('model') ?? undefined;
  const dataset = props.query.get('dataset') ?? undefined;
  const [kind, setKind] = useState(dataset ? 'dataset' : 'model');
  const [value, setValue] = useState(model ?? dataset ?? '');
  return (
    <section>
      <h1>Lineage</h1>
      <form
        class="filter"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) navigate(`/lineage?${kind}=${encodeURIComponent(value.trim())}`);
        }}
      >
        <select name="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="model">model</option>
          <option value="dataset">dataset version</option>
        </select>
        <input
          name="lineage-of"
          placeholder={kind === 'model' ? 'a registered model name' : 'a dataset version such as flights@3'}
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Show</button>
      </form>
      {model || dataset ? (
        <LineageGraph query={model ? { model } : { dataset }} />
      ) : (
        <p>Name a model or a dataset version (or open one from its page).</p>
      )}
    </section>
  );
}
