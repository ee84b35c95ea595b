import type { LineageNode } from './section-types';

export interface PlacedNode extends LineageNode {
  x: number;
  y: number;
}

const columnOf = { dataset: 0, run: 1, model: 2, deployment: 3 } as const;
export const nodeWidth = 190;
export const nodeHeight = 30;
const columnGap = 90;
const rowGap = 14;

/**
 * A layered layout: one column per kind (dataset → run → model → deployment), rows ordered by the
 * mean row of each node's predecessors (one barycentre pass keeps most edges from crossing).
 */
export function layoutLineage(nodes: LineageNode[], edges: { from: string; to: string }[]) {
  const columns: LineageNode[][] = [[], [], [], []];
  for (const node of nodes) columns[columnOf[node.kind]]?.push(node);
  const row = new Map<string, number>();
  columns.forEach((column, index) => {
    if (index === 0) column.sort((a, b) => a.label.localeCompare(b.label));
    else {
      const weight = (node: LineageNode) => {
        const from = edges.filter((e) => e.to === node.id).map((e) => row.get(e.from) ?? 0);
        return from.length ? from.reduce((a, b) => a + b, 0) / from.length : Number.MAX_SAFE_INTEGER;
      };
      column.sort((a, b) => weight(a) - weight(b) || a.label.localeCompare(b.label));
    }
    for (const [i, node] of column.entries()) row.set(node.id, i);
  });
  const placed = new Map<string, PlacedNode>();
  for (const [index, column] of columns.entries())
    for (const [i, node] of column.entries())
      placed.set(node.id, { ...node, x: 10 + index * (nodeWidth + columnGap), y: 30 + i * (nodeHeight + rowGap) });
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  return {
    nodes: [...placed.values()],
    edges: edges.flatMap((e) => {
      const from = placed.get(e.from);
      const to = placed.get(e.to);
      return from && to ? [{ from, to }] : [];
    }),
    width: 20 + 4 * nodeWidth + 3 * columnGap,
    height: 40 + tallest * (nodeHeight + rowGap),
  };
}
