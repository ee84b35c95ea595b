// TaskOutcome is public as TaskAttemptOutcome: @mlp/validate exports a TaskOutcome of its own.
export type { ExecutorPlugin, PipelineRef, TaskAssignment, TaskExecutor, TaskOutcome as TaskAttemptOutcome } from './executor/executor.js';
export { type KubernetesExecutorOptions, openKubernetesExecutor } from './executor/kubernetes/kubernetes-executor.js';
export { createLocalExecutor, type LocalExecutorOptions } from './executor/local/local-executor.js';
export { openExecutor, registerBuiltInExecutor } from './executor/open-executor.js';
export { jobMigrations } from './executor/queue/job-protocol.js';
export { type JobQueueOptions, openJobQueue } from './executor/queue/job-queue.js';
export { openQueueExecutor, type QueueExecutorOptions } from './executor/queue/queue-executor.js';
export { migrations as orchestrateMigrations } from './generated/migrations.js';
export { type LoadedPipeline, loadPipeline } from './load/load-pipeline.js';
export {
  type ArrayOutputNames,
  definePipeline,
  isPipeline,
  type Pipeline,
  type PipelineDefinition,
  type PipelineOutputs,
  type PipelineParams,
  type StepInputs,
} from './pipeline/define-pipeline.js';
export type {
  MapOptions,
  PipelineOptions,
  PipelineSchedule,
  PipelineTrigger,
  RetryBackoff,
  StepContext,
  StepDefinition,
  StepOptions,
  StepProcess,
  TrackedStepContext,
  TriggerRule,
} from './pipeline/pipeline-types.js';
export { triggerRules } from './pipeline/pipeline-types.js';
export { abandonRun } from './run/abandon-run.js';
export { cancelRun } from './run/cancel-run.js';
export { type ExecuteTaskOptions, executeTaskAttempt } from './run/execute-task-attempt.js';
export { findGoneRuns, type GoneRun, type RecoverRunsOptions, recoverRuns } from './run/recover-runs.js';
export { type RetryRunOptions, retryRun } from './run/retry-run.js';
export { orchestrateMetrics } from './run/run-metrics.js';
export type {
  PipelineRunStatus,
  RunHandle,
  RunSummary,
  RunTrigger,
  StartPipelineRunOptions,
  TaskStatus,
  TaskSummary,
  TriggerKind,
} from './run/run-types.js';
export { waitForRun } from './run/run-waiter.js';
export { ensureOrchestrateTables, startRun } from './run/start-run.js';
export { type BackfillOptions, type BackfillTick, backfill, maxBackfillTicks } from './schedule/backfill.js';
export { recordConfiguredPipelines } from './schedule/configured-pipelines.js';
export { type CatchupPolicy, type CronSchedule, createCronSchedule, scheduleTriggerKey } from './schedule/cron-schedule.js';
export type { ScheduledPipeline } from './schedule/scheduled-pipelines.js';
export { type ScheduledTick, type Scheduler, type SchedulerOptions, startScheduler } from './schedule/scheduler.js';
export type { SchedulerClock } from './schedule/scheduler-clock.js';
export { type Orchestrator, type OrchestratorOptions, startOrchestrator } from './schedule/start-orchestrator.js';
export { type LogLine, type ReadLogsOptions, readRunLogs } from './store/log-store.js';
export {
  findPipelineRecord,
  type ListRunsOptions,
  listPipelines,
  listRuns,
  loadRunSummary,
  type PipelineRecord,
} from './store/run-summary.js';
export { type EventTriggers, type EventTriggersOptions, startEventTriggers, type TriggeredPipeline } from './trigger/event-triggers.js';
export { type HttpTriggers, type HttpTriggersOptions, httpTriggerKey, openHttpTriggers } from './trigger/http-triggers.js';
export { eventTriggerKey, matchesTrigger, triggerEventTypes } from './trigger/match-trigger.js';
export { type QueueWorker, type QueueWorkerOptions, startWorker } from './worker/start-worker.js';
