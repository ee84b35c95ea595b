import type { UnexpectedSample } from '../expectations/judge.js';
import { kindOf } from '../expectations/judge.js';
import { PARTIAL_UNEXPECTED_LIMIT } from '../result/validation-result.js';
import { compareValues, type ResultValue } from '../values.js';
import type { EngineBackend, EngineTask, TaskOutcome, ValidationEngine } from './engine.js';
import { computeAggregate } from './in-memory-aggregates.js';
import { EXPECTED, MISSING, makeRowTest, resultValueAt } from './in-memory-map.js';
import type { InMemoryColumn, InMemoryTable } from './in-memory-table.js';
import { runSuite } from './run-suite.js';

// Pure TypeScript, no Node imports: this engine runs in browsers and in request handlers.

function columnsFor(table: InMemoryTable, task: EngineTask): InMemoryColumn[] {
  return task.columns.map((info) => table.columns.find((column) => column.name === info.name)!);
}

function outcomeOf(table: InMemoryTable, task: EngineTask): TaskOutcome {
  try {
    const columns = columnsFor(table, task);
    if (kindOf(task.expectation.type) === 'aggregate') return { metrics: computeAggregate(task.expectation, columns[0]!) };
    const test = makeRowTest(task.expectation, columns);
    let missingCount = 0;
    let unexpectedCount = 0;
    for (let row = 0; row < table.rowCount; row++) {
      const verdict = test(row);
      if (verdict === EXPECTED) continue;
      if (verdict === MISSING) missingCount++;
      else unexpectedCount++;
    }
    // Not-null counts its unexpected (missing) rows as missing too, as Great Expectations reports them.
    if (task.expectation.type === 'expectColumnValuesToNotBeNull') missingCount = unexpectedCount;
    if (task.expectation.type === 'expectColumnValuesToBeNull') missingCount = table.rowCount - unexpectedCount;
    return { counts: { elementCount: table.rowCount, missingCount, unexpectedCount } };
  } catch (error) {
    return { error };
  }
}

function sampleOf(table: InMemoryTable, task: EngineTask): UnexpectedSample | { error: unknown } {
  try {
    const columns = columnsFor(table, task);
    const test = makeRowTest(task.expectation, columns);
    const rows: { index: number; value: ResultValue }[] = [];
    const counts = new Map<string, { value: ResultValue; count: number }>();
    for (let row = 0; row < table.rowCount; row++) {
      if (test(row) !== 1) continue;
      const value = resultValueAt(columns, row);
      if (rows.length < PARTIAL_UNEXPECTED_LIMIT) rows.push({ index: row, value });
      const key = JSON.stringify(value);
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { value, count: 1 });
    }
    const top = [...counts.values()]
      .sort((a, b) => b.count - a.count || compareValues(a.value, b.value))
      .slice(0, PARTIAL_UNEXPECTED_LIMIT);
    return { rows, counts: top };
  } catch (error) {
    return { error };
  }
}

/** The in-memory backend: request-sized data, columns as typed arrays. */
export function inMemoryBackend(table: InMemoryTable, source = 'rows'): EngineBackend {
  return {
    engine: 'memory',
    source,
    async columns() {
      return table.columns.map((column) => ({ name: column.name, kind: column.kind, nativeType: column.values.constructor.name }));
    },
    async compute(tasks) {
      return { rowCount: table.rowCount, outcomes: tasks.map((task) => outcomeOf(table, task)) };
    },
    async samples(tasks) {
      return tasks.map((task) => sampleOf(table, task));
    },
  };
}

/** Validates a table held in memory (see `createTable` and `tableFromRows`). */
export function createInMemoryEngine(table: InMemoryTable, options: { source?: string } = {}): ValidationEngine {
  const backend = inMemoryBackend(table, options.source);
  return { engine: backend.engine, validate: (suite, validateOptions) => runSuite(backend, suite, validateOptions) };
}
