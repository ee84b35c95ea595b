export { createDuckDbEngine, type DuckDbEngine, type DuckDbSource, openDuckDbEngine } from './duckdb/duckdb-engine.js';
export type { FileFormat } from './duckdb/duckdb-source.js';
export type { PostgresSource } from './duckdb/postgres-source.js';
export type { EngineBackend, EngineTask, TaskOutcome, ValidateOptions, ValidationEngine } from './engine/engine.js';
export { createInMemoryEngine } from './engine/in-memory-engine.js';
export { type ColumnInput, createTable, type InMemoryColumn, type InMemoryTable, tableFromRows } from './engine/in-memory-table.js';
export { runSuite } from './engine/run-suite.js';
export {
  type ExpectationArgs,
  type ExpectationArgsInput,
  type ExpectationDefinition,
  type ExpectationKind,
  type ExpectationType,
  expectationCatalog,
  expectationTypes,
} from './expectations/catalog.js';
export type { AggregateMetrics, MapCounts, UnexpectedSample } from './expectations/judge.js';
export { migrations as validateMigrations } from './generated/migrations.js';
export {
  type ExpectationResult,
  failedErrors,
  PARTIAL_UNEXPECTED_LIMIT,
  type UnexpectedValueCount,
  type ValidationResult,
  type ValidationStatistics,
} from './result/validation-result.js';
export { validationResultsReader } from './store/validation-results-reader.js';
export {
  createValidationStore,
  openValidationStore,
  type StoredValidation,
  type ValidationLink,
  type ValidationStore,
} from './store/validation-store.js';
export { type Expectation, parseExpectation, parseSuite, type Suite, suiteToJson } from './suite/suite.js';
export { defineSuite, type ExpectOptions, type SuiteBuilder } from './suite/suite-builder.js';
export { type Severity, SUITE_FORMAT, SUITE_FORMAT_VERSION, type SuiteFile, suiteFileSchema } from './suite/suite-schema.js';
export { suiteFromZod } from './suite/zod-suite.js';
export {
  assertResultValid,
  assertValid,
  type DataInput,
  type StoredValidationResult,
  type ValidateCallOptions,
  validate,
} from './validate.js';
export type { ColumnInfo, ColumnKind, ResultValue } from './values.js';
