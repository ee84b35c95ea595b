import type { ValidationEngine } from '../engine/engine.js';
import type { ExpectationResult } from '../result/validation-result.js';
import type { Expectation, Suite } from '../suite/suite.js';
import { parseExpectation } from '../suite/suite.js';
import { defineSuite } from '../suite/suite-builder.js';
import { type ColumnKind, toEpochMs } from '../values.js';

export interface ProfileOptions {
  /** Name of the suite to write (default: `profile`). */
  name?: string;
  /** Widening of numeric ranges, as a share of the observed range on each side (default 0.1). */
  rangeMargin?: number;
  /** Slack on `mostly` for columns with nulls (default 0.05). */
  nullMargin?: number;
  /** Columns with at most this many distinct values get a value set (default 20). */
  maxSetSize?: number;
  /** Where the reference data came from, kept in the suite's meta. */
  source?: string;
}

interface ColumnFacts {
  name: string;
  kind: ColumnKind;
  rowCount: number;
  missing: number;
  distinct: number;
  values: unknown[] | undefined;
  min?: number;
  max?: number;
  mean?: number;
  integer?: boolean;
}

/** The probes that measure one column: each result's observed value or counts is a fact about it. */
function probes(name: string, kind: ColumnKind): Expectation[] {
  const list = [
    parseExpectation({ type: 'expectColumnValuesToNotBeNull', args: { column: name } }),
    parseExpectation({ type: 'expectColumnUniqueValueCountToBeBetween', args: { column: name } }),
    parseExpectation({ type: 'expectColumnDistinctValuesToBeInSet', args: { column: name, valueSet: [] } }),
  ];
  if (kind === 'number' || kind === 'timestamp') {
    list.push(parseExpectation({ type: 'expectColumnMinToBeBetween', args: { column: name } }));
    list.push(parseExpectation({ type: 'expectColumnMaxToBeBetween', args: { column: name } }));
  }
  if (kind === 'number') {
    list.push(parseExpectation({ type: 'expectColumnMeanToBeBetween', args: { column: name } }));
    list.push(parseExpectation({ type: 'expectColumnValuesToBeOfType', args: { column: name, type: 'integer' } }));
  }
  return list;
}

const numberOf = (value: unknown, kind: ColumnKind) =>
  kind === 'timestamp' ? toEpochMs(value) : typeof value === 'number' ? value : undefined;
const round = (value: number) => Number(value.toPrecision(6));

/**
 * Infers an editable suite from reference data: the columns, types, null rates (as `mostly`),
 * ranges widened by a margin, value sets for low-cardinality columns, and uniqueness. It measures
 * through the engine, so a Parquet file of millions of rows is profiled in a few scans.
 */
export async function profileSuite(engine: ValidationEngine, options: ProfileOptions = {}): Promise<Suite> {
  const { columns } = await engine.validate({ name: 'profile-columns', expectations: [] });
  const probeSuite: Suite = {
    name: 'profile-probes',
    expectations: columns.flatMap((column) => probes(column.name, column.kind as ColumnKind)),
  };
  const measured = await engine.validate(probeSuite);
  const byColumn = new Map<string, ExpectationResult[]>();
  for (const result of measured.results) {
    const name = result.args.column as string;
    byColumn.set(name, [...(byColumn.get(name) ?? []), result]);
  }
  const facts: ColumnFacts[] = columns.map((column) => {
    const [notNull, distinct, set, ...rest] = byColumn.get(column.name) ?? [];
    const fact: ColumnFacts = {
      name: column.name,
      kind: column.kind as ColumnKind,
      rowCount: measured.rowCount,
      missing: notNull?.unexpectedCount ?? 0,
      distinct: typeof distinct?.observedValue === 'number' ? distinct.observedValue : 0,
      values: Array.isArray(set?.observedValue) ? set.observedValue : undefined,
    };
    const min = numberOf(rest[0]?.observedValue, column.kind);
    const max = numberOf(rest[1]?.observedValue, column.kind);
    if (min !== undefined) fact.min = min;
    if (max !== undefined) fact.max = max;
    if (typeof rest[2]?.observedValue === 'number') fact.mean = rest[2].observedValue;
    if (rest[3]) fact.integer = rest[3].unexpectedCount === 0 && !rest[3].exception;
    return fact;
  });
  return suiteFromFacts(facts, measured.rowCount, options);
}

function suiteFromFacts(facts: ColumnFacts[], rowCount: number, options: ProfileOptions): Suite {
  const rangeMargin = options.rangeMargin ?? 0.1;
  const nullMargin = options.nullMargin ?? 0.05;
  const maxSetSize = options.maxSetSize ?? 20;
  const builder = defineSuite(options.name ?? 'profile', {
    description: `Profiled from ${options.source ?? 'reference data'} (${rowCount} rows). Edit freely: ranges are widened by ${rangeMargin * 100}% and null rates relaxed by ${nullMargin * 100} points.`,
  });
  builder.expect('expectTableColumnsToMatchSet', { columnSet: facts.map((fact) => fact.name), exactMatch: true });
  if (rowCount > 0) builder.warn('expectTableRowCountToBeBetween', { minValue: 1 });
  for (const fact of facts) {
    const column = fact.name;
    const present = fact.rowCount - fact.missing;
    if (fact.missing === 0) builder.expect('expectColumnValuesToNotBeNull', { column });
    else if (present > 0) {
      const mostly = Math.max(0, Math.floor((present / fact.rowCount - nullMargin) * 1000) / 1000);
      if (mostly > 0) builder.warn('expectColumnValuesToNotBeNull', { column, mostly });
    }
    if (fact.kind !== 'mixed') {
      const type = fact.kind === 'number' ? (fact.integer ? 'integer' : 'number') : fact.kind;
      builder.expect('expectColumnValuesToBeOfType', { column, type });
    }
    if (present === 0) continue;
    if (fact.kind === 'number' && fact.min !== undefined && fact.max !== undefined) {
      const margin = (fact.max - fact.min) * rangeMargin || Math.abs(fact.max) * rangeMargin || 1;
      const widen = (value: number) => (fact.integer ? Math.round(value) : round(value));
      // A column that was never negative is not invited to become so.
      const low = fact.min >= 0 ? Math.max(0, fact.min - margin) : fact.min - margin;
      builder.expect('expectColumnValuesToBeBetween', { column, minValue: widen(low), maxValue: widen(fact.max + margin) });
      if (fact.mean !== undefined) {
        builder.warn('expectColumnMeanToBeBetween', { column, minValue: round(fact.mean - margin), maxValue: round(fact.mean + margin) });
      }
    }
    if (fact.kind === 'timestamp' && fact.min !== undefined && fact.max !== undefined) {
      const margin = (fact.max - fact.min) * rangeMargin;
      builder.warn('expectColumnMinToBeBetween', { column, minValue: new Date(fact.min - margin).toISOString() });
    }
    const lowCardinality = fact.values !== undefined && fact.distinct <= maxSetSize && fact.distinct < present / 2;
    if (lowCardinality && fact.kind !== 'timestamp') {
      builder.expect('expectColumnValuesToBeInSet', { column, valueSet: fact.values as (string | number | boolean)[] });
    }
    if (fact.distinct === present && present > 1 && fact.kind !== 'boolean') builder.expect('expectColumnValuesToBeUnique', { column });
  }
  const suite = builder.build();
  suite.meta = { profiledAt: new Date().toISOString(), rowCount, ...(options.source ? { source: options.source } : {}) };
  return suite;
}
