import { MlpError } from '@mlp/core';
import { columnsOf } from '../expectations/catalog.js';
import { aggregateResult, checkColumnKinds, kindOf, mapResult, mapSucceeds } from '../expectations/judge.js';
import { tableResult } from '../expectations/table-expectations.js';
import { type ExpectationResult, summarize, type ValidationResult } from '../result/validation-result.js';
import type { Suite } from '../suite/suite.js';
import type { EngineBackend, EngineTask, ValidateOptions } from './engine.js';

function exceptionOf(error: unknown): { message: string; code?: string } {
  if (MlpError.isInstance(error)) return { message: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** Runs a suite on a backend: table expectations here, the rest through the backend, judged by shared code. */
export async function runSuite(backend: EngineBackend, suite: Suite, options: ValidateOptions = {}): Promise<ValidationResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  options.onProgress?.({ phase: 'columns', message: `reading the columns of ${backend.source}` });
  const columns = await backend.columns();
  const byName = new Map(columns.map((column) => [column.name, column]));
  const results: ExpectationResult[] = new Array(suite.expectations.length);
  const tasks: EngineTask[] = [];

  suite.expectations.forEach((expectation, index) => {
    const base: ExpectationResult = {
      index,
      type: expectation.type,
      args: expectation.args,
      severity: expectation.severity,
      success: false,
    };
    if (expectation.meta) base.meta = expectation.meta;
    results[index] = base;
    if (kindOf(expectation.type) === 'table') return;
    const names = columnsOf(expectation.args);
    const absent = names.filter((name) => !byName.has(name));
    if (absent.length > 0) {
      base.message = `Column${absent.length > 1 ? 's' : ''} ${absent.map((name) => `"${name}"`).join(', ')} ${absent.length > 1 ? 'do' : 'does'} not exist; the columns are ${columns.map((column) => column.name).join(', ') || '(none)'}.`;
      return;
    }
    const taskColumns = names.map((name) => byName.get(name)!);
    try {
      checkColumnKinds(expectation, taskColumns);
    } catch (error) {
      base.exception = exceptionOf(error);
      return;
    }
    tasks.push({ index, expectation, columns: taskColumns });
  });

  options.signal?.throwIfAborted();
  options.onProgress?.({ phase: 'compute', message: `computing ${tasks.length} expectations` });
  const { rowCount, outcomes } = await backend.compute(tasks);

  const failedMaps: EngineTask[] = [];
  tasks.forEach((task, i) => {
    const outcome = outcomes[i]!;
    const base = results[task.index]!;
    try {
      if ('error' in outcome) throw outcome.error;
      if ('counts' in outcome) {
        results[task.index] = mapResult(base, task.expectation, outcome.counts);
        if (!mapSucceeds(task.expectation, outcome.counts) && outcome.counts.unexpectedCount > 0) failedMaps.push(task);
      } else {
        results[task.index] = aggregateResult(base, task.expectation, task.columns[0]!, outcome.metrics);
      }
    } catch (error) {
      results[task.index] = { ...base, success: false, exception: exceptionOf(error) };
    }
  });

  suite.expectations.forEach((expectation, index) => {
    if (kindOf(expectation.type) === 'table') results[index] = tableResult(results[index]!, expectation, rowCount, columns);
  });

  if (failedMaps.length > 0) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase: 'samples', message: `sampling unexpected values of ${failedMaps.length} failed expectations` });
    const samples = await backend.samples(failedMaps);
    failedMaps.forEach((task, i) => {
      const sample = samples[i]!;
      const result = results[task.index]!;
      if ('error' in sample) result.exception = exceptionOf(sample.error);
      else {
        result.partialUnexpectedList = sample.rows.map((row) => row.value);
        result.partialUnexpectedIndexList = sample.rows.map((row) => row.index);
        results[task.index] = mapResult(result, task.expectation, countsOf(result), sample);
      }
    });
  }

  const { success, statistics } = summarize(results);
  options.onProgress?.({ phase: 'done', message: `${statistics.successful} of ${statistics.evaluated} expectations met` });
  return {
    suiteName: suite.name,
    success,
    statistics,
    results,
    rowCount,
    columns: columns.map(({ name, kind, nativeType }) => ({ name, kind, nativeType })),
    engine: backend.engine,
    source: backend.source,
    startedAt,
    durationMs: performance.now() - started,
  };
}

function countsOf(result: ExpectationResult) {
  return { elementCount: result.elementCount ?? 0, missingCount: result.missingCount ?? 0, unexpectedCount: result.unexpectedCount ?? 0 };
}
