import type { AlertTransition } from '../alerts/alert-rules.js';
import type { DataQualityResult } from '../data-quality/data-quality.js';
import type { DriftResult } from '../drift/detect-drift.js';

/** What one run of a monitor computed for one window, as stored in `monitor_results.result`. */
export interface MonitorWindowResult {
  /** Rows in the current window (prediction rows, or the dataset version's rows). */
  rows: number;
  /** What the window was compared with: the reference's description and rows. */
  reference: { description: string; rows: number };
  /** The dataset version the window read (dataset monitors), or null. */
  current: string | null;
  /** The drift table; an empty window has no columns and a problem instead. */
  drift: DriftResult;
  /** Why nothing was tested (an empty window), or null. */
  problem: string | null;
  /** Data quality of the window against the reference profile (missing shares, new categories, out of range); null for an empty window or a dataset monitor. */
  dataQuality: DataQualityResult | null;
  /** Latency of the window's logged requests, milliseconds (deployment monitors), or null. */
  latencyMs: { p50: number; p95: number; max: number } | null;
  /** The model versions that answered in the window, with their request counts. */
  modelVersions: Record<string, number>;
  /** Model quality measured from the labels that arrived for the window's requests (monitors with a task); absent or null otherwise. */
  quality?: MonitorWindowQuality | null;
}

/** A window's model quality: null metrics until a label has arrived for one of its requests. */
export interface MonitorWindowQuality {
  task: 'binary' | 'multiclass' | 'regression';
  /** `measured` from arrived labels; `none` while no label has arrived. */
  kind: 'measured' | 'none';
  /** Prediction rows in the window, and those with an arrived label. */
  predictions: number;
  labelled: number;
  /** snake_case metric names (accuracy, precision, recall, f1, roc_auc, log_loss; rmse, mae, r2) to values, null where undefined. */
  metrics: Record<string, number | null> | null;
  problem: string | null;
}

/** What `runMonitor` returns: the stored window and the alert transitions it caused. */
export interface MonitorRun {
  monitor: string;
  windowStart: number;
  windowEnd: number;
  result: MonitorWindowResult;
  transitions: AlertTransition[];
}
