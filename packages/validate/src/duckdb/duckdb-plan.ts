import { MlpError } from '@mlp/core';
import { sqlString } from '@mlp/core/tabular';
import type { EngineTask, TaskOutcome } from '../engine/engine.js';
import { compileRegex } from '../engine/in-memory-map.js';
import { type AggregateMetrics, boundsOf, DISTINCT_SAMPLE_LIMIT, normalizeSet, zScoreParameters } from '../expectations/judge.js';
import { type CompiledDateFormat, compileStrftime, isoDateFormat } from '../expectations/string-formats.js';
import { type ColumnInfo, type ColumnKind, toResultValue } from '../values.js';
import { literal, numberLiteral, plain } from './sql.js';

/** How a plan reaches the data: the relation, value expressions, sets, and extra queries. */
export interface PlanContext {
  /** FROM clause of the data (one scan). */
  relation: string;
  /** FROM clause with a 0-based row number column `__row`, for row order and row indexes. */
  rowRelation: string;
  /** A column's value as the shared model sees it: NULL when missing (NaN too), timestamps as epoch ms. */
  value(column: ColumnInfo): string;
  /** `(a, b)` for a small set, `(SELECT v FROM temp)` for a large one; FALSE-safe for an empty one. */
  set(members: (string | number | boolean)[], kind: ColumnKind): Promise<string | undefined>;
  query(sql: string): Promise<unknown[][]>;
}

/**
 * The SQL of one expectation: aggregate expressions computed with every other expectation's in one
 * scan (`stage1`), then `finish` turns their values (plus any extra query it needs) into an outcome.
 * Row-by-row expectations also give `frame`: a query with `__row`, the values and an unexpected flag `u`.
 */
export interface TaskPlan {
  stage1: string[];
  finish(values: unknown[], context: PlanContext): Promise<TaskOutcome>;
  frame?: (context: PlanContext) => Promise<string>;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(plain(value)));
const count = (value: unknown) => Number(plain(value) ?? 0);
const inList = (sql: string, set: string | undefined) => (set === undefined ? 'FALSE' : `${sql} IN ${set}`);

function dateCondition(v: string, format: CompiledDateFormat): string {
  const re = sqlString(format.regex);
  const matches = `regexp_full_match(${v}, ${re})`;
  if (format.day === undefined) return matches;
  const group = (index: number | undefined, fallback: string) =>
    index === undefined ? fallback : `TRY_CAST(regexp_extract(${v}, ${re}, ${index}) AS INTEGER)`;
  const year =
    format.year !== undefined
      ? group(format.year, '2000')
      : format.shortYear !== undefined
        ? `(2000 + ${group(format.shortYear, '0')})`
        : '2000';
  const month = group(format.month, '1');
  const day = group(format.day, '1');
  return `(${matches} AND ${day} <= day(last_day(make_date(${year}, ${month}, 1))))`;
}

function typeCondition(v: string, column: ColumnInfo, type: string): string {
  if (column.kind === 'number') {
    if (type === 'number') return 'TRUE';
    if (type !== 'integer') return 'FALSE';
    return /INT/.test(column.nativeType) ? 'TRUE' : `(${v} = trunc(${v}) AND isfinite(${v}))`;
  }
  return column.kind === type ? 'TRUE' : 'FALSE';
}

/** The unexpected condition of a simple row-by-row expectation (missing rows excluded unless they count). */
async function unexpectedCondition(
  task: EngineTask,
  values: string[],
  context: PlanContext,
): Promise<{ unexpected: string; missing: string }> {
  const { expectation, columns } = task;
  const args = expectation.args;
  const v = values[0] as string;
  const present = (condition: string) => ({ unexpected: `(${v} IS NOT NULL AND NOT (${condition}))`, missing: `${v} IS NULL` });
  switch (expectation.type) {
    case 'expectColumnValuesToNotBeNull':
      return { unexpected: `${v} IS NULL`, missing: `${v} IS NULL` };
    case 'expectColumnValuesToBeNull':
      return { unexpected: `${v} IS NOT NULL`, missing: `${v} IS NULL` };
    case 'expectColumnValuesToBeBetween': {
      const bounds = boundsOf(args, columns[0]!.kind);
      const parts: string[] = [];
      if (bounds.min !== undefined) parts.push(`${v} ${bounds.strictMin ? '>' : '>='} ${numberLiteral(bounds.min)}`);
      if (bounds.max !== undefined) parts.push(`${v} ${bounds.strictMax ? '<' : '<='} ${numberLiteral(bounds.max)}`);
      return present(parts.join(' AND ') || 'TRUE');
    }
    case 'expectColumnValuesToBeInSet':
    case 'expectColumnValuesToNotBeInSet': {
      const set = await context.set(normalizeSet(args.valueSet as unknown[], columns[0]!.kind), columns[0]!.kind);
      const member = inList(v, set);
      return present(expectation.type === 'expectColumnValuesToBeInSet' ? member : `NOT (${member})`);
    }
    case 'expectColumnValuesToBeOfType':
      return present(typeCondition(v, columns[0]!, args.type as string));
    case 'expectColumnValuesToMatchRegex':
    case 'expectColumnValuesToNotMatchRegex': {
      compileRegex(args.regex as string); // the same error as the in-memory engine for a broken pattern
      const matches = `regexp_matches(${v}, ${sqlString(args.regex as string)})`;
      return present(expectation.type === 'expectColumnValuesToMatchRegex' ? matches : `NOT ${matches}`);
    }
    case 'expectColumnValuesToMatchStrftimeFormat':
      return present(dateCondition(v, compileStrftime(args.strftimeFormat as string)));
    case 'expectColumnValuesToBeParseableAsDate':
      return present(dateCondition(v, isoDateFormat));
    case 'expectColumnValuesToBeJsonParseable':
      return present(`mlp_is_json(${v})`);
    case 'expectColumnValueLengthsToBeBetween': {
      const parts: string[] = [];
      if (args.minValue !== null && args.minValue !== undefined) parts.push(`length(${v}) >= ${numberLiteral(args.minValue as number)}`);
      if (args.maxValue !== null && args.maxValue !== undefined) parts.push(`length(${v}) <= ${numberLiteral(args.maxValue as number)}`);
      return present(parts.join(' AND ') || 'TRUE');
    }
    case 'expectColumnValueLengthsToEqual':
      return present(`length(${v}) = ${numberLiteral(args.value as number)}`);
    case 'expectColumnPairValuesToBeEqual':
    case 'expectColumnPairValuesAToBeGreaterThanB': {
      const b = values[1] as string;
      const skip =
        args.ignoreRowIf === 'bothValuesAreMissing'
          ? `(${v} IS NULL AND ${b} IS NULL)`
          : args.ignoreRowIf === 'eitherValueIsMissing'
            ? `(${v} IS NULL OR ${b} IS NULL)`
            : 'FALSE';
      const operator = expectation.type === 'expectColumnPairValuesToBeEqual' ? '=' : args.orEqual ? '>=' : '>';
      return { unexpected: `(NOT ${skip} AND (${v} IS NULL OR ${b} IS NULL OR NOT (${v} ${operator} ${b})))`, missing: skip };
    }
    default:
      throw new MlpError('INTERNAL', `${expectation.type} has no simple SQL condition.`);
  }
}

const selectValues = (values: string[]) => values.map((value, i) => `${value} AS c${i}`).join(', ');

function compoundSkip(values: string[], rule: unknown): string {
  const nulls = values.map((value) => `${value} IS NULL`);
  if (rule === 'allValuesAreMissing') return `(${nulls.join(' AND ')})`;
  if (rule === 'anyValueIsMissing') return `(${nulls.join(' OR ')})`;
  return 'FALSE';
}

/** Plans one expectation. */
export async function planTask(task: EngineTask, context: PlanContext): Promise<TaskPlan> {
  const { expectation, columns } = task;
  const args = expectation.args;
  const values = columns.map((column) => context.value(column));
  const v = values[0] as string;
  const countsFrom = (missing: unknown, unexpected: unknown, elementCount: number): TaskOutcome => ({
    counts: { elementCount, missingCount: count(missing), unexpectedCount: count(unexpected) },
  });

  switch (expectation.type) {
    case 'expectColumnValuesToBeUnique':
    case 'expectCompoundColumnsToBeUnique':
    case 'expectColumnValuesToBeIncreasing':
    case 'expectColumnValuesToBeDecreasing':
    case 'expectColumnValueZScoresToBeLessThan': {
      // Conditions that need a group, the previous row, or the column's mean: computed on a frame.
      const skip = expectation.type === 'expectCompoundColumnsToBeUnique' ? compoundSkip(values, args.ignoreRowIf) : `${v} IS NULL`;
      const stage1 = [`count(*) FILTER (WHERE ${skip})`, 'count(*)'];
      if (expectation.type === 'expectColumnValueZScoresToBeLessThan') stage1.push(`avg(${v})`, `stddev_samp(${v})`);
      let zScore: { mean: number; stdev: number } | undefined;
      const frame = async (withRows: boolean) => {
        const rows = withRows ? '__row' : 'NULL AS __row';
        const from = withRows ? context.rowRelation : context.relation;
        switch (expectation.type) {
          case 'expectColumnValuesToBeUnique':
          case 'expectCompoundColumnsToBeUnique': {
            const partition = values.map((_, i) => `c${i}`).join(', ');
            return `SELECT __row, ${values.map((_, i) => `c${i}`).join(', ')}, (NOT skip AND count(*) OVER (PARTITION BY ${partition}) > 1) AS u FROM (SELECT ${rows}, ${selectValues(values)}, ${skip} AS skip FROM ${from})`;
          }
          case 'expectColumnValueZScoresToBeLessThan': {
            const { mean, stdev } = zScore!;
            const z = `((c0 - ${numberLiteral(mean)}) / ${numberLiteral(stdev)})`;
            const below = `${args.doubleSided ? `abs(${z})` : z} < ${numberLiteral(args.threshold as number)}`;
            return `SELECT __row, c0, (c0 IS NOT NULL AND NOT (${below})) AS u FROM (SELECT ${rows}, ${v} AS c0 FROM ${from})`;
          }
          default: {
            const operator =
              expectation.type === 'expectColumnValuesToBeIncreasing' ? (args.strictly ? '>' : '>=') : args.strictly ? '<' : '<=';
            return `SELECT __row, c0, (prev IS NOT NULL AND NOT (c0 ${operator} prev)) AS u FROM (SELECT __row, c0, lag(c0) OVER (ORDER BY __row) AS prev FROM (SELECT __row, ${v} AS c0 FROM ${context.rowRelation} WHERE ${v} IS NOT NULL))`;
          }
        }
      };
      const ordered = expectation.type === 'expectColumnValuesToBeIncreasing' || expectation.type === 'expectColumnValuesToBeDecreasing';
      return {
        stage1,
        async finish(results) {
          const elementCount = count(results[1]);
          const missing = count(results[0]);
          if (elementCount - missing === 0) return countsFrom(missing, 0, elementCount); // vacuously true
          if (expectation.type === 'expectColumnValueZScoresToBeLessThan') zScore = zScoreParameters(num(results[2]), num(results[3]));
          const [[unexpected]] = (await context.query(`SELECT count(*) FILTER (WHERE u) FROM (${await frame(ordered)})`)) as [[unknown]];
          return countsFrom(missing, unexpected, elementCount);
        },
        frame: () => frame(true),
      };
    }
    case 'expectColumnValuesToNotBeNull':
    case 'expectColumnValuesToBeNull':
    case 'expectColumnValuesToBeBetween':
    case 'expectColumnValuesToBeInSet':
    case 'expectColumnValuesToNotBeInSet':
    case 'expectColumnValuesToBeOfType':
    case 'expectColumnValuesToMatchRegex':
    case 'expectColumnValuesToNotMatchRegex':
    case 'expectColumnValuesToMatchStrftimeFormat':
    case 'expectColumnValuesToBeParseableAsDate':
    case 'expectColumnValuesToBeJsonParseable':
    case 'expectColumnValueLengthsToBeBetween':
    case 'expectColumnValueLengthsToEqual':
    case 'expectColumnPairValuesToBeEqual':
    case 'expectColumnPairValuesAToBeGreaterThanB': {
      const condition = await unexpectedCondition(task, values, context);
      return {
        stage1: [`count(*) FILTER (WHERE ${condition.missing})`, `count(*) FILTER (WHERE ${condition.unexpected})`, 'count(*)'],
        async finish(results) {
          return countsFrom(results[0], results[1], count(results[2]));
        },
        async frame() {
          const framed = await unexpectedCondition(
            task,
            values.map((_, i) => `c${i}`),
            context,
          );
          return `SELECT __row, ${values.map((_, i) => `c${i}`).join(', ')}, ${framed.unexpected} AS u FROM (SELECT __row, ${selectValues(values)} FROM ${context.rowRelation})`;
        },
      };
    }
    default:
      return planAggregate(task, v, context);
  }
}

async function planAggregate(task: EngineTask, v: string, context: PlanContext): Promise<TaskPlan> {
  const { expectation } = task;
  const column = task.columns[0]!;
  const args = expectation.args;
  const metrics = (build: (results: unknown[]) => AggregateMetrics | Promise<AggregateMetrics>) => async (results: unknown[]) => ({
    metrics: await build(results),
  });
  switch (expectation.type) {
    case 'expectColumnMinToBeBetween':
      return { stage1: [`min(${v})`], finish: metrics(([value]) => ({ value: num(value) })) };
    case 'expectColumnMaxToBeBetween':
      return { stage1: [`max(${v})`], finish: metrics(([value]) => ({ value: num(value) })) };
    case 'expectColumnMeanToBeBetween':
      return { stage1: [`avg(${v})`], finish: metrics(([value]) => ({ value: num(value) })) };
    case 'expectColumnMedianToBeBetween':
      return { stage1: [`median(${v})`], finish: metrics(([value]) => ({ value: num(value) })) };
    case 'expectColumnStdevToBeBetween':
      return { stage1: [`stddev_samp(${v})`], finish: metrics(([value]) => ({ value: num(value) })) };
    case 'expectColumnSumToBeBetween':
      return { stage1: [`CAST(coalesce(sum(${v}), 0) AS DOUBLE)`], finish: metrics(([value]) => ({ value: num(value) })) };
    case 'expectColumnQuantileValuesToBeBetween': {
      const { quantiles } = args.quantileRanges as { quantiles: number[] };
      return {
        stage1: [`quantile_disc(${v}, [${quantiles.map(numberLiteral).join(', ')}])`],
        finish: metrics(([list]) => ({ quantiles: list === null ? null : (plain(list) as unknown[]).map(Number) })),
      };
    }
    case 'expectColumnUniqueValueCountToBeBetween':
      return { stage1: [`count(DISTINCT ${v})`], finish: metrics(([value]) => ({ value: count(value) })) };
    case 'expectColumnProportionOfUniqueValuesToBeBetween':
      return {
        stage1: [`count(DISTINCT ${v})`, `count(${v})`],
        finish: metrics(([distinct, present]) => ({ distinctCount: count(distinct), nonMissingCount: count(present) })),
      };
    case 'expectColumnDistinctValuesToBeInSet':
    case 'expectColumnDistinctValuesToContainSet':
    case 'expectColumnDistinctValuesToEqualSet': {
      const member = inList(v, await context.set(normalizeSet(args.valueSet as unknown[], column.kind), column.kind));
      return {
        stage1: [
          `count(DISTINCT ${v})`,
          `count(DISTINCT ${v}) FILTER (WHERE NOT (${member}))`,
          `count(DISTINCT ${v}) FILTER (WHERE ${member})`,
        ],
        finish: metrics(async ([distinct, outside, present]) => {
          const rows = await context.query(
            `SELECT DISTINCT ${v} AS v FROM ${context.relation} WHERE ${v} IS NOT NULL ORDER BY v LIMIT ${DISTINCT_SAMPLE_LIMIT}`,
          );
          return {
            distinctCount: count(distinct),
            outsideSetCount: count(outside),
            setValuesPresent: count(present),
            distinctSample: rows.map(([value]) => toResultValue(plain(value), column.kind)),
          };
        }),
      };
    }
    case 'expectColumnMostCommonValueToBeInSet': {
      const member = inList('v', await context.set(normalizeSet(args.valueSet as unknown[], column.kind), column.kind));
      return {
        stage1: [],
        finish: metrics(async () => {
          const [[total, hits, modes]] = (await context.query(
            `WITH c AS (SELECT ${v} AS v, count(*) AS n FROM ${context.relation} WHERE ${v} IS NOT NULL GROUP BY ALL), m AS (SELECT v FROM c WHERE n = (SELECT max(n) FROM c)) ` +
              `SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM m WHERE ${member}), (SELECT list(v ORDER BY v) FROM (SELECT v FROM m ORDER BY v LIMIT ${DISTINCT_SAMPLE_LIMIT}))`,
          )) as [[unknown, unknown, unknown]];
          return {
            modeTotal: count(total),
            modeHits: count(hits),
            modes: ((plain(modes) as unknown[] | null) ?? []).map((value) => toResultValue(value, column.kind)),
          };
        }),
      };
    }
    case 'expectColumnKlDivergenceToBeLessThan': {
      const partition = args.partitionObject as { values?: unknown[]; bins?: number[] };
      if (partition.bins) {
        const bins = partition.bins;
        const stage1 = [
          `count(${v})`,
          `count(*) FILTER (WHERE ${v} < ${numberLiteral(bins[0]!)})`,
          `count(*) FILTER (WHERE ${v} > ${numberLiteral(bins[bins.length - 1]!)})`,
        ];
        for (let i = 0; i < bins.length - 1; i++) {
          const upper = i === bins.length - 2 ? '<=' : '<';
          stage1.push(`count(*) FILTER (WHERE ${v} >= ${numberLiteral(bins[i]!)} AND ${v} ${upper} ${numberLiteral(bins[i + 1]!)})`);
        }
        return {
          stage1,
          finish: metrics(([present, below, above, ...counts]) => ({
            nonMissingCount: count(present),
            belowCount: count(below),
            aboveCount: count(above),
            partitionCounts: counts.map(count),
          })),
        };
      }
      const reference = (partition.values ?? []).map((value) => normalizeSet([value], column.kind)[0]);
      const known = reference.filter((value) => value !== undefined) as (string | number | boolean)[];
      const member = inList(v, known.length === 0 ? undefined : `(${known.map(literal).join(', ')})`);
      const seen = new Set<unknown>();
      const stage1 = [
        `count(${v})`,
        `count(*) FILTER (WHERE ${v} IS NOT NULL AND NOT (${member}))`,
        `count(DISTINCT ${v}) FILTER (WHERE NOT (${member}))`,
      ];
      for (const value of reference) {
        // A repeated or unmatchable reference value gets no rows, as in the in-memory engine.
        stage1.push(value === undefined || seen.has(value) ? '0' : `count(*) FILTER (WHERE ${v} = ${literal(value)})`);
        seen.add(value);
      }
      return {
        stage1,
        finish: metrics(([present, outside, outsideDistinct, ...counts]) => ({
          nonMissingCount: count(present),
          outsideCount: count(outside),
          outsideDistinct: count(outsideDistinct),
          partitionCounts: counts.map(count),
        })),
      };
    }
    default:
      throw new MlpError('INTERNAL', `${expectation.type} has no DuckDB plan.`);
  }
}
