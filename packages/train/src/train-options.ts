import type { DatasetResolver, JobQueue, PluginRegistry } from '@mlp/core';
import type { Tracking } from '@mlp/tracking';
import type { Table } from './data/table.js';
import type { TrainEvent } from './train-event.js';
import type { TrialSummary } from './trial-summary.js';

export interface TrainOptions {
  /** Where runs, metrics and model packages are recorded. */
  tracking: Tracking;
  /** Resolves `spec.data` when it names a dataset version (`flights@3`). */
  datasets?: DatasetResolver;
  /** In-memory data instead of `spec.data`: a table, or records (objects keyed by column). */
  data?: Table | readonly Record<string, unknown>[];
  /** Trainer plugins (the `trainer` slot), for `model: { type: 'plugin:<name>' }`. */
  plugins?: PluginRegistry;
  /**
   * Override `spec.search.trials` / `spec.search.parallel`. A resumed search takes the ones it
   * started with unless they are given.
   */
  trials?: number;
  parallel?: number;
  /** Where a search's trials run, overriding `spec.search.workers`: `threads`, `processes`, or `queue`. */
  trialsOn?: 'threads' | 'processes' | 'queue';
  /**
   * The job queue trials on the `queue` run on (`mlp worker` processes on any machine that reaches the
   * workspace): `@mlp/orchestrate`'s `openJobQueue(workspace)`, or the CLI's `jobQueue` service.
   */
  jobQueue?: JobQueue;
  /** The parent run id of an interrupted search to continue. */
  resume?: string;
  /**
   * Local folder for model packages (`<outDir>/<run id>/`, as `mlp train` writes them): the
   * workspace's `.mlp/train` by default (the workspace `openWorkspace()` opens: `MLP_WORKSPACE` or
   * the current folder). Each package is also the run's `model/` artifact.
   */
  outDir?: string;
  signal?: AbortSignal;
  /** Progress lines for long work (a CLI shows them). */
  onProgress?: (message: string) => void;
  /** A search's trials as they start, run epochs and end (see TrainEvent), for a live display. */
  onEvent?: (event: TrainEvent) => void;
}

export interface TrainResult {
  /** The parent run of a search; absent for a single training. */
  parentRunId?: string;
  bestRunId: string;
  bestMetrics: Record<string, number>;
  /**
   * The local folder of the best model's package, `<outDir>/<best run id>` (also the run's `model/`
   * artifacts). Absent when a resumed search's best trial ran in an earlier session on another
   * machine: predict with `runs:/<best run id>`.
   */
  packageDir?: string;
  trials: TrialSummary[];
}
