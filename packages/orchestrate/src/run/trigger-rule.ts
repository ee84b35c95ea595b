import type { TriggerRule } from '../pipeline/pipeline-types.js';
import type { TaskStatus } from './run-types.js';

/** What a task whose upstream steps all ended does: run, or end as skipped or upstream_failed. */
export type TriggerDecision = 'run' | 'skipped' | 'upstream_failed';

/**
 * Airflow's trigger rules over the final states of the steps a task needs. A task with no upstream
 * runs. Failure states are `failed` and `upstream_failed`; `cancelled` counts as failed.
 */
export function decideTrigger(rule: TriggerRule, upstream: readonly TaskStatus[]): TriggerDecision {
  if (upstream.length === 0) return 'run';
  const failed = upstream.filter((status) => status === 'failed' || status === 'upstream_failed' || status === 'cancelled').length;
  const succeeded = upstream.filter((status) => status === 'succeeded').length;
  const skipped = upstream.filter((status) => status === 'skipped').length;
  switch (rule) {
    case 'all_success':
      return succeeded === upstream.length ? 'run' : failed > 0 ? 'upstream_failed' : 'skipped';
    case 'all_done':
    case 'always':
      return 'run';
    case 'one_failed':
      return failed > 0 ? 'run' : 'skipped';
    case 'one_success':
      return succeeded > 0 ? 'run' : failed > 0 ? 'upstream_failed' : 'skipped';
    case 'none_failed':
      return failed > 0 ? 'upstream_failed' : 'run';
    case 'none_failed_min_one_success':
      return failed > 0 ? 'upstream_failed' : succeeded > 0 ? 'run' : skipped > 0 ? 'skipped' : 'run';
  }
}
