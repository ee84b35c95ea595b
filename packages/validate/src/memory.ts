// `@mlp/validate/memory`: the browser-safe part of the package (the in-memory engine, suites and
// results) without DuckDB or Node built-ins, for bundles that run in a browser or an edge function.
export type { EngineBackend, EngineTask, TaskOutcome, ValidateOptions, ValidationEngine } from './engine/engine.js';
export { createInMemoryEngine } from './engine/in-memory-engine.js';
export { type ColumnInput, createTable, type InMemoryColumn, type InMemoryTable, tableFromRows } from './engine/in-memory-table.js';
export { runSuite } from './engine/run-suite.js';
export { type ExpectationArgsInput, type ExpectationType, expectationCatalog, expectationTypes } from './expectations/catalog.js';
export { type ExpectationResult, failedErrors, type ValidationResult, type ValidationStatistics } from './result/validation-result.js';
export { type Expectation, parseExpectation, parseSuite, type Suite, suiteToJson } from './suite/suite.js';
export { defineSuite, type SuiteBuilder } from './suite/suite-builder.js';
export { type Severity, SUITE_FORMAT, SUITE_FORMAT_VERSION, type SuiteFile, suiteFileSchema } from './suite/suite-schema.js';
export type { ColumnInfo, ColumnKind, ResultValue } from './values.js';
