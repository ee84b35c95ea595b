/** One trial (or the single training) as reported. */
export interface TrialSummary {
  runId: string;
  index: number;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  status: 'FINISHED' | 'FAILED' | 'PRUNED';
  error?: string;
}
