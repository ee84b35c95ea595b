import type { TrialSummary } from './trial-summary.js';

/**
 * What a search reports as it goes, for a display that draws trials rather than parsing messages:
 * `onEvent` in the train options. The `onProgress` messages say the same in words.
 */
export type TrainEvent =
  | {
      type: 'search-started';
      parentRunId: string;
      /** Trials of the search in all, and how many an earlier session already ended (on resume). */
      trials: number;
      ended: number;
      sampler: string;
      /** The metric the search optimizes. */
      metric: string;
    }
  | { type: 'trial-started'; index: number; runId: string; params: Record<string, unknown>; epochs: number }
  | { type: 'epoch'; index: number; epoch: number; metrics: Record<string, number> }
  | { type: 'trial-ended'; trial: TrialSummary };
