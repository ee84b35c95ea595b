import { MlpError } from '@mlp/core';
import type { z } from 'zod';
import { type ExpectationType, expectationCatalog, expectationTypes, isExpectationType } from '../expectations/catalog.js';
import { nearestNames } from '../expectations/nearest-names.js';
import { type Severity, SUITE_FORMAT, SUITE_FORMAT_VERSION, suiteFileSchema } from './suite-schema.js';

/** An expectation after parsing: a known type and arguments with defaults filled in. */
export interface Expectation {
  type: ExpectationType;
  args: Record<string, unknown>;
  severity: Severity;
  meta?: Record<string, unknown>;
}

/** A parsed suite, ready for an engine. */
export interface Suite {
  name: string;
  description?: string;
  expectations: Expectation[];
  meta?: Record<string, unknown>;
}

/** `path.to.field: message` for every zod issue, so a suite author sees exactly what to fix. */
export function describeZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Checks one expectation against the catalog: unknown names list the nearest ones, bad arguments name the zod path. */
export function parseExpectation(
  config: { type: string; args?: Record<string, unknown>; severity?: Severity; meta?: Record<string, unknown> },
  where = 'expectation',
): Expectation {
  if (!isExpectationType(config.type)) {
    const nearest = nearestNames(config.type, expectationTypes);
    throw new MlpError('INVALID_ARGUMENT', `${where}: unknown expectation "${config.type}". Did you mean ${nearest.join(', ')}?`, {
      details: { type: config.type, nearest },
    });
  }
  const parsed = expectationCatalog[config.type].schema.safeParse(config.args ?? {});
  if (!parsed.success) {
    throw new MlpError('INVALID_ARGUMENT', `${where} (${config.type}) has invalid arguments: ${describeZodIssues(parsed.error, 'args')}`, {
      details: { type: config.type },
    });
  }
  const expectation: Expectation = {
    type: config.type,
    args: parsed.data as Record<string, unknown>,
    severity: config.severity ?? 'error',
  };
  if (config.meta) expectation.meta = config.meta;
  return expectation;
}

/** Parses a suite from its JSON form (an object, or the text of a suite file). */
export function parseSuite(input: unknown): Suite {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new MlpError('INVALID_ARGUMENT', `The suite is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const parsed = suiteFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The suite does not match the ${SUITE_FORMAT} v${SUITE_FORMAT_VERSION} format: ${describeZodIssues(parsed.error)}`,
    );
  }
  const file = parsed.data;
  const suite: Suite = {
    name: file.name,
    expectations: file.expectations.map((config, index) => parseExpectation(config, `expectations.${index}`)),
  };
  if (file.description !== undefined) suite.description = file.description;
  if (file.meta) suite.meta = file.meta;
  return suite;
}

/** The JSON form of a suite (what `parseSuite` reads back). */
export function suiteToJson(suite: Suite): z.input<typeof suiteFileSchema> {
  return {
    format: SUITE_FORMAT,
    version: SUITE_FORMAT_VERSION,
    name: suite.name,
    ...(suite.description === undefined ? {} : { description: suite.description }),
    expectations: suite.expectations.map((expectation) => ({
      type: expectation.type,
      args: expectation.args,
      severity: expectation.severity,
      ...(expectation.meta ? { meta: expectation.meta } : {}),
    })),
    ...(suite.meta ? { meta: suite.meta } : {}),
  };
}
