/** The small slice of Grafana's dashboard JSON model (schema version 41, Grafana 12) the mlp dashboards use. */

/** The dashboard JSON schema version Grafana 12 writes; older Grafana versions migrate nothing newer. */
export const grafanaSchemaVersion = 41;

export interface GrafanaTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource: { type: 'prometheus'; uid: string };
}

export interface GrafanaPanel {
  id: number;
  type: 'timeseries' | 'stat' | 'table';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: 'prometheus'; uid: string };
  targets: GrafanaTarget[];
  fieldConfig: { defaults: { unit?: string; min?: number; max?: number }; overrides: unknown[] };
  options: Record<string, unknown>;
}

export interface GrafanaVariable {
  name: string;
  label: string;
  type: 'datasource' | 'query';
  query: string | { query: string; refId: string };
  datasource?: { type: 'prometheus'; uid: string };
  multi?: boolean;
  includeAll?: boolean;
  refresh?: number;
  current: Record<string, unknown>;
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  schemaVersion: number;
  version: number;
  editable: boolean;
  graphTooltip: number;
  timezone: string;
  refresh: string;
  time: { from: string; to: string };
  annotations: { list: unknown[] };
  templating: { list: GrafanaVariable[] };
  links: unknown[];
  panels: GrafanaPanel[];
}

/** Every query reads the data source the `datasource` variable picks. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template
export const promDatasource = { type: 'prometheus', uid: '${datasource}' } as const;

export interface PanelSpec {
  title: string;
  description?: string;
  type?: GrafanaPanel['type'];
  unit?: string;
  min?: number;
  max?: number;
  width?: number;
  height?: number;
  queries: { expr: string; legend?: string }[];
}

/** Lays panels out left to right in rows of 24 columns, numbering them from 1. */
export function layoutPanels(specs: readonly PanelSpec[]): GrafanaPanel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec, index) => {
    const w = spec.width ?? 12;
    const h = spec.height ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panel: GrafanaPanel = {
      id: index + 1,
      type: spec.type ?? 'timeseries',
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      gridPos: { x, y, w, h },
      datasource: promDatasource,
      targets: spec.queries.map((query, i) => ({
        refId: String.fromCharCode(65 + i),
        expr: query.expr,
        ...(query.legend ? { legendFormat: query.legend } : {}),
        datasource: promDatasource,
      })),
      fieldConfig: {
        defaults: {
          ...(spec.unit ? { unit: spec.unit } : {}),
          ...(spec.min !== undefined ? { min: spec.min } : {}),
          ...(spec.max !== undefined ? { max: spec.max } : {}),
        },
        overrides: [],
      },
      options:
        (spec.type ?? 'timeseries') === 'timeseries'
          ? { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } }
          : { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
    };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return panel;
  });
}

/** The `datasource` variable (any Prometheus data source) and label variables read from a metric. */
export function dashboardVariables(labels: readonly { name: string; label: string; metric: string }[]): GrafanaVariable[] {
  return [
    { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {} },
    ...labels.map(
      (variable): GrafanaVariable => ({
        name: variable.name,
        label: variable.label,
        type: 'query',
        datasource: promDatasource,
        query: { query: `label_values(${variable.metric}, ${variable.name})`, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
        multi: true,
        includeAll: true,
        refresh: 2,
        current: { text: 'All', value: '$__all' },
      }),
    ),
  ];
}

export function dashboard(
  fields: Pick<GrafanaDashboard, 'uid' | 'title' | 'description'> & { panels: PanelSpec[]; variables: GrafanaVariable[] },
): GrafanaDashboard {
  return {
    uid: fields.uid,
    title: fields.title,
    description: fields.description,
    tags: ['mlp'],
    schemaVersion: grafanaSchemaVersion,
    version: 1,
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: fields.variables },
    links: [],
    panels: layoutPanels(fields.panels),
  };
}
