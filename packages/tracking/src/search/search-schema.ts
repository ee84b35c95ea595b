import type { RunAttribute } from './search-types.js';

// The tracking store's tables as the compiled SQL sees them. Runs are always aliased `r`.
export const runsAlias = 'r';

/** Where each entity's key/value rows live, and the alias its subqueries use. */
export const entityTables = {
  metric: { table: 'tracking_latest_metrics', alias: 'm' },
  param: { table: 'tracking_params', alias: 'p' },
  tag: { table: 'tracking_tags', alias: 't' },
} as const;

/** The tracking_runs column behind each attribute (MLflow's run_name is the `name` column). */
export const attributeColumns: Readonly<Record<RunAttribute, string>> = {
  run_id: 'run_id',
  run_name: 'name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  start_time: 'start_time',
  end_time: 'end_time',
};
