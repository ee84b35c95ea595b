import { MlpError, type Workspace } from '@mlp/core';
import { type DuckDbSource, openDuckDbEngine } from './duckdb/duckdb-engine.js';
import type { ValidateOptions, ValidationEngine } from './engine/engine.js';
import { createInMemoryEngine } from './engine/in-memory-engine.js';
import { type InMemoryTable, tableFromRows } from './engine/in-memory-table.js';
import { type ProfileOptions, profileSuite } from './profile/profile-suite.js';
import { formatPercent } from './report/format-percent.js';
import { failedErrors, type ValidationResult } from './result/validation-result.js';
import { openValidationStore, type ValidationLink } from './store/validation-store.js';
import { parseExpectation, parseSuite, type Suite } from './suite/suite.js';
import type { SuiteBuilder } from './suite/suite-builder.js';

/** Data to validate: rows or a table in memory (in-memory engine), or a file, DuckDB table or PostgreSQL table (DuckDB engine). */
export type DataInput = InMemoryTable | readonly Record<string, unknown>[] | DuckDbSource;

export interface ValidateCallOptions extends ValidateOptions, ValidationLink {
  /** Store the result in this workspace's database (linked to `datasetVersion` and `runId` when given). */
  workspace?: Pick<Workspace, 'db' | 'migrate'>;
}

export interface StoredValidationResult extends ValidationResult {
  /** The stored validation's id, when a workspace was given. */
  validationId?: string;
}

const isTable = (data: unknown): data is InMemoryTable =>
  typeof data === 'object' && data !== null && 'rowCount' in data && 'columns' in data && Array.isArray((data as InMemoryTable).columns);

function toSuite(suite: Suite | SuiteBuilder | unknown): Suite {
  if (typeof suite === 'object' && suite !== null && 'build' in suite && typeof (suite as SuiteBuilder).build === 'function') {
    return (suite as SuiteBuilder).build();
  }
  if (typeof suite === 'object' && suite !== null && 'expectations' in suite && !('format' in suite)) {
    // A Suite object may have been written by hand: check each expectation as a suite file's would be.
    const given = suite as Suite;
    return {
      ...given,
      expectations: given.expectations.map((expectation, index) => parseExpectation(expectation, `expectations.${index}`)),
    };
  }
  return parseSuite(suite);
}

/** The engine that suits the data: in-memory for rows and tables, DuckDB for the rest. */
async function engineFor(data: DataInput): Promise<ValidationEngine & { close?(): Promise<void> }> {
  if (Array.isArray(data)) return createInMemoryEngine(tableFromRows(data as Record<string, unknown>[]));
  if (isTable(data)) return createInMemoryEngine(data);
  return openDuckDbEngine(data as DuckDbSource);
}

/** Infers an editable suite from reference data (see `profileSuite`). */
export async function profile(data: DataInput, options: ProfileOptions = {}): Promise<Suite> {
  const engine = await engineFor(data);
  try {
    return await profileSuite(engine, { source: typeof data === 'string' ? data : 'reference data', ...options });
  } finally {
    await engine.close?.();
  }
}

/** Validates data against a suite (a Suite, a builder, or the suite JSON) and returns the result; stores it when given a workspace. */
export async function validate(
  data: DataInput,
  suite: Suite | SuiteBuilder | unknown,
  options: ValidateCallOptions = {},
): Promise<StoredValidationResult> {
  const parsed = toSuite(suite);
  const engine = await engineFor(data);
  let result: StoredValidationResult;
  try {
    result = await engine.validate(parsed, options);
  } finally {
    await engine.close?.();
  }
  if (options.workspace) {
    const store = await openValidationStore(options.workspace);
    const link: ValidationLink = {};
    if (options.datasetVersion !== undefined) link.datasetVersion = options.datasetVersion;
    if (options.runId !== undefined) link.runId = options.runId;
    result.validationId = await store.save(result, link);
  }
  return result;
}

/** Throws FAILED_PRECONDITION listing the failed error-severity expectations; warnings never fail. */
export function assertResultValid(result: ValidationResult): void {
  const failed = failedErrors(result);
  if (failed.length === 0) return;
  const lines = failed.map((entry) => {
    const column = typeof entry.args.column === 'string' ? ` (${entry.args.column})` : '';
    const detail =
      entry.exception?.message ??
      entry.message ??
      (entry.unexpectedCount !== undefined
        ? `${entry.unexpectedCount} unexpected (${formatPercent(entry.unexpectedPercent)})`
        : `observed ${JSON.stringify(entry.observedValue)}`);
    return `#${entry.index} ${entry.type}${column}: ${detail}`;
  });
  throw new MlpError(
    'FAILED_PRECONDITION',
    `Suite "${result.suiteName}" failed on ${result.source}: ${failed.length} error-severity expectation${failed.length === 1 ? '' : 's'} failed:\n  ${lines.join('\n  ')}`,
    { details: { failed: failed.map((entry) => ({ index: entry.index, type: entry.type, args: entry.args })) } },
  );
}

/** The pipeline gate: validates, and throws FAILED_PRECONDITION when an error-severity expectation fails. */
export async function assertValid(
  data: DataInput,
  suite: Suite | SuiteBuilder | unknown,
  options: ValidateCallOptions = {},
): Promise<StoredValidationResult> {
  const result = await validate(data, suite, options);
  assertResultValid(result);
  return result;
}
