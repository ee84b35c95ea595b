import type { ExpectationArgsInput, ExpectationType } from '../expectations/catalog.js';
import { type Expectation, parseExpectation, type Suite } from './suite.js';
import type { Severity } from './suite-schema.js';

export interface ExpectOptions {
  severity?: Severity;
  meta?: Record<string, unknown>;
}

/** Builds a suite in code, with each expectation's arguments typed from the catalog and checked at once. */
export interface SuiteBuilder {
  expect<T extends ExpectationType>(type: T, args: ExpectationArgsInput<T>, options?: ExpectOptions): SuiteBuilder;
  /** Same as `expect` with severity `warn`: reported, never failing the suite. */
  warn<T extends ExpectationType>(type: T, args: ExpectationArgsInput<T>, options?: Omit<ExpectOptions, 'severity'>): SuiteBuilder;
  /** Adds expectations from another suite (a zod row schema's, a profile's). */
  include(suite: Suite): SuiteBuilder;
  build(): Suite;
}

export function defineSuite(name: string, options: { description?: string } = {}): SuiteBuilder {
  const expectations: Expectation[] = [];
  const builder: SuiteBuilder = {
    expect(type, args, expectOptions = {}) {
      expectations.push(
        parseExpectation(
          {
            type,
            args: args as Record<string, unknown>,
            severity: expectOptions.severity ?? 'error',
            ...(expectOptions.meta ? { meta: expectOptions.meta } : {}),
          },
          `expectation ${expectations.length}`,
        ),
      );
      return builder;
    },
    warn(type, args, warnOptions = {}) {
      return builder.expect(type, args, { ...warnOptions, severity: 'warn' });
    },
    include(suite) {
      expectations.push(...suite.expectations);
      return builder;
    },
    build() {
      const suite: Suite = { name, expectations: [...expectations] };
      if (options.description !== undefined) suite.description = options.description;
      return suite;
    },
  };
  return builder;
}
