import { message, string } from '@mlp/core/http';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';
import { lineageGraph } from './lineage-graph.js';
import type { UiSources } from './ui-sources.js';

/** `GET ui/lineage?model=NAME` or `?dataset=NAME@VERSION`: the graph's nodes and edges. */
export function lineageRoutes(sources: UiSources): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/lineage', 'read', message({ model: string.optional(), dataset: string.optional() }), async (input, { tracking }) =>
      lineageGraph(sources, tracking, { model: input.model, dataset: input.dataset }),
    ),
  ];
}
