import type { AggregateMetrics, MapCounts, UnexpectedSample } from '../expectations/judge.js';
import type { ValidationResult } from '../result/validation-result.js';
import type { Expectation, Suite } from '../suite/suite.js';
import type { ColumnInfo } from '../values.js';

/** One expectation an engine computes, with its columns resolved. */
export interface EngineTask {
  /** Position in the suite. */
  index: number;
  expectation: Expectation;
  columns: ColumnInfo[];
}

/** What an engine computed for a task: counts, statistics, or the error evaluating it threw. */
export type TaskOutcome = { counts: MapCounts } | { metrics: AggregateMetrics } | { error: unknown };

/**
 * The part of validation that differs between engines: reading the columns and counting. Everything
 * else (which rows count, success, percentages, messages) is shared, so engines cannot drift apart.
 */
export interface EngineBackend {
  readonly engine: string;
  readonly source: string;
  columns(): Promise<ColumnInfo[]>;
  /** Computes every task, batched as the engine likes; one task's failure is that task's outcome. */
  compute(tasks: EngineTask[]): Promise<{ rowCount: number; outcomes: TaskOutcome[] }>;
  /** Unexpected-value samples for failed row-by-row tasks. */
  samples(tasks: EngineTask[]): Promise<(UnexpectedSample | { error: unknown })[]>;
  close?(): Promise<void>;
}

export interface ValidateOptions {
  signal?: AbortSignal;
  onProgress?: (event: { phase: 'columns' | 'compute' | 'samples' | 'done'; message: string }) => void;
}

/** Validates data against a suite. */
export interface ValidationEngine {
  readonly engine: string;
  validate(suite: Suite, options?: ValidateOptions): Promise<ValidationResult>;
}
