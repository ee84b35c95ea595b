/** The shapes the sections' API answers with (see the server's ui/sections/*-routes.ts). */
export interface DatasetVersion {
  dataset: string;
  version: number;
  ref: string;
  root_hash: string;
  size: number;
  nfiles: number;
  path: string;
  format: string | null;
  schema: { format: string; row_count: number; columns: { name: string; type: string }[] } | null;
  source: { kind: string; uri: string } | null;
  message: string;
  tags: string[];
  created_by: string;
  created_at: number;
}

export interface DatasetRow {
  name: string;
  description: string;
  created_by: string;
  created_at: number;
  version_count: number;
  latest: DatasetVersion | null;
}

export interface Validation {
  validation_id: string;
  suite_name: string;
  success: boolean;
  dataset_version: string | null;
  run_id: string | null;
  started_at: number;
  row_count: number;
  evaluated: number;
  successful: number;
  unsuccessful: number;
  success_percent: number | null;
}

export interface ModelRow {
  name: string;
  description: string;
  creation_time: number;
  last_updated_time: number;
  tags: Record<string, string>;
  aliases: Record<string, number>;
}

export interface ModelVersion {
  name: string;
  version: number;
  source: string;
  run_id: string | null;
  status: string;
  description: string;
  user_id: string;
  creation_time: number;
  aliases: string[];
  stage: string;
}

export interface GateOutcome {
  gate: string;
  type: string;
  passed: boolean;
  message: string;
}

export interface AuditEntry {
  id: number;
  version: number | null;
  action: string;
  actor: string;
  reason: string | null;
  alias: string | null;
  gates: GateOutcome[];
  time: number;
}

export interface LineageNode {
  id: string;
  kind: 'dataset' | 'run' | 'model' | 'deployment';
  label: string;
  href: string | null;
}

export interface PipelineTask {
  task_id: string;
  name: string;
  map_index: number | null;
  status: string;
  attempts: number;
  cached: boolean;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
}

export interface PipelineRun {
  run_id: string;
  pipeline: string;
  status: string;
  trigger: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
  tasks: PipelineTask[];
}

export interface PipelineStep {
  name: string;
  kind: string;
  needs: string[];
}

export interface Revision {
  revision: number;
  model_version: number;
  weight: number;
  status: string;
  step: number;
  analysis_rounds: number;
  variant: string | null;
  created_time: number;
  updated_time: number;
}

export interface Deployment {
  name: string;
  model_name: string;
  alias: string | null;
  status: string;
  endpoint: string | null;
  generation: number;
  strategy: string | null;
  target: string | null;
  created_time: number;
  updated_time: number;
  revisions: Revision[];
}

export interface Alert {
  alert_id: string;
  monitor: string;
  rule: string;
  key: string;
  column: string | null;
  severity: string;
  state: string;
  value: number | null;
  active_since: number;
  fired_at: number | null;
  resolved_at: number | null;
}

export const enc = encodeURIComponent;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
