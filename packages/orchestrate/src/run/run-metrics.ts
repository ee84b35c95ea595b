import { Counter, Histogram, Registry } from 'prom-client';

/** The package's Prometheus metrics, in a registry of their own: merge it into a server's (`Registry.merge`). */
export const orchestrateMetrics = new Registry();

export const taskDuration = new Histogram({
  name: 'mlp_orchestrate_task_duration_seconds',
  help: 'Duration of pipeline task attempts, by pipeline, step and outcome.',
  labelNames: ['pipeline', 'step', 'status'] as const,
  buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10, 60, 300, 1800],
  registers: [orchestrateMetrics],
});

export const taskFailures = new Counter({
  name: 'mlp_orchestrate_task_failures_total',
  help: 'Failed pipeline task attempts (each retry counts), by pipeline and step.',
  labelNames: ['pipeline', 'step'] as const,
  registers: [orchestrateMetrics],
});

export const runsFinished = new Counter({
  name: 'mlp_orchestrate_runs_finished_total',
  help: 'Pipeline runs that ended, by pipeline and status.',
  labelNames: ['pipeline', 'status'] as const,
  registers: [orchestrateMetrics],
});
