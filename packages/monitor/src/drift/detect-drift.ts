import { MlpError, type PluginRegistry } from '@mlp/core';
import { z } from 'zod';
import { builtinDriftTests } from './builtin-drift-tests.js';
import type { DriftColumnData, DriftColumnKind } from './column-data.js';
import { defaultDriftTest } from './default-test.js';
import type { DriftTest } from './drift-test.js';

export const columnDriftOptionsSchema = z.object({
  /** A test by name (`ks`, `chisquare`, `z`, `wasserstein`, `jensenshannon`, `psi`, `kl_div`, or a plugin's). */
  test: z.string().min(1).optional(),
  /** The test's threshold; its default when absent. */
  threshold: z.number().finite().optional(),
});
export type ColumnDriftOptions = z.infer<typeof columnDriftOptionsSchema>;

export const driftOptionsSchema = z.object({
  /** The columns to test; default: every column of either side. */
  columns: z.array(z.string()).optional(),
  /** A test (and threshold) for every column without settings of its own; default: Evidently's rule. */
  test: z.string().min(1).optional(),
  threshold: z.number().finite().optional(),
  /** Settings per column. */
  perColumn: z.record(z.string(), columnDriftOptionsSchema).optional(),
  /** The dataset drifts when at least this share of the tested columns drift (Evidently: 0.5). */
  driftShare: z.number().min(0).max(1).default(0.5),
  /** The model's output column, reported as the prediction drift (Evidently's column mapping: `prediction`). */
  predictionColumn: z.string().min(1).default('prediction'),
  /** The labels' column, reported as the target drift (`target`). */
  targetColumn: z.string().min(1).default('target'),
});
export type DriftOptions = z.input<typeof driftOptionsSchema> & {
  /** Where plugin tests (slot `driftTest`) are looked up. */
  plugins?: PluginRegistry;
};

/** One column's verdict; `problem` says why a column was not tested (then score and test are null). */
export interface ColumnDrift {
  column: string;
  kind: DriftColumnKind | null;
  test: string | null;
  scoreKind: DriftTest['scoreKind'] | null;
  score: number | null;
  threshold: number | null;
  drifted: boolean;
  problem?: string;
  reference: { count: number; nulls: number };
  current: { count: number; nulls: number };
}

export interface DriftResult {
  /** At least `driftShareThreshold` of the tested columns drifted. */
  datasetDrift: boolean;
  /** The share of the tested columns that drifted (0 when none could be tested). */
  driftShare: number;
  driftShareThreshold: number;
  testedColumns: number;
  driftedColumns: number;
  columns: ColumnDrift[];
  /** The drift of the model's output column (`predictionColumn`), when the data has it. */
  prediction?: ColumnDrift;
  /** The drift of the labels' column (`targetColumn`), when the data has it. */
  target?: ColumnDrift;
}

/** The prediction and target drift among a result's columns, by the names the options give. */
export function namedDrift(
  columns: readonly ColumnDrift[],
  options: { predictionColumn: string; targetColumn: string },
): Pick<DriftResult, 'prediction' | 'target'> {
  const prediction = columns.find((column) => column.column === options.predictionColumn);
  const target = columns.find((column) => column.column === options.targetColumn);
  return { ...(prediction ? { prediction } : {}), ...(target ? { target } : {}) };
}

export type ColumnSet = Readonly<Record<string, DriftColumnData>>;

function findTest(name: string, plugins: PluginRegistry | undefined): DriftTest {
  const builtin = builtinDriftTests.find((test) => test.name === name);
  if (builtin) return builtin;
  const plugin = plugins?.find('driftTest', (test) => test.name === name);
  if (plugin) return plugin;
  const known = [...builtinDriftTests.map((test) => test.name), ...(plugins?.list('driftTest').map((test) => test.name) ?? [])];
  throw new MlpError(
    'INVALID_ARGUMENT',
    `No drift test named ${JSON.stringify(name)}: use one of ${known.join(', ')}, or register a driftTest plugin.`,
  );
}

const sideOf = (column: DriftColumnData | undefined) => ({ count: column?.total ?? 0, nulls: column?.nulls ?? 0 });

/** The result of a column that could not be tested, saying why. */
export function untested(
  column: string,
  reference: DriftColumnData | undefined,
  current: DriftColumnData | undefined,
  problem: string,
): ColumnDrift {
  return {
    column,
    kind: reference?.kind ?? current?.kind ?? null,
    test: null,
    scoreKind: null,
    score: null,
    threshold: null,
    drifted: false,
    problem,
    reference: sideOf(reference),
    current: sideOf(current),
  };
}

/** Why a column cannot be tested, or undefined when it can. */
export function problemOf(reference: DriftColumnData | undefined, current: DriftColumnData | undefined): string | undefined {
  if (!reference) return 'missing from the reference';
  if (!current) return 'missing from the current data';
  if (reference.total === 0) return reference.nulls > 0 ? 'only nulls in the reference' : 'the reference is empty';
  if (current.total === 0) return current.nulls > 0 ? 'only nulls in the current data' : 'the current data is empty';
  if (reference.kind !== current.kind) return `${reference.kind} in the reference but ${current.kind} in the current data`;
  return undefined;
}

/**
 * Tests every column for drift between `reference` and `current`, with Evidently's default test per
 * column unless one is chosen, and the dataset verdict by Evidently's rule. A column that cannot be
 * tested (missing on one side, of another kind, empty, all null) gets a result saying why and counts
 * toward nothing; INVALID_ARGUMENT when no column at all can be tested, or for an unknown test.
 */
export function detectDrift(reference: ColumnSet, current: ColumnSet, options: DriftOptions = {}): DriftResult {
  const parsed = driftOptionsSchema.parse(options);
  const names = parsed.columns ?? [...new Set([...Object.keys(reference), ...Object.keys(current)])];
  if (names.length === 0) throw new MlpError('INVALID_ARGUMENT', 'There are no columns to test: give data with at least one column.');
  const columns = names.map((column): ColumnDrift => {
    const ref = reference[column];
    const cur = current[column];
    const problem = problemOf(ref, cur);
    if (problem || !ref || !cur) return untested(column, ref, cur, problem ?? 'missing');
    const settings = parsed.perColumn?.[column] ?? {};
    const testName = settings.test ?? parsed.test;
    const test = testName ? findTest(testName, options.plugins) : defaultDriftTest(ref, cur);
    if (!test.kinds.includes(ref.kind)) {
      return untested(column, ref, cur, `${test.name} does not test ${ref.kind} columns (it tests ${test.kinds.join(' and ')} ones)`);
    }
    const needed = test.minValues ?? 1;
    if (ref.total < needed || cur.total < needed) {
      const [side, data] = ref.total < needed ? ['reference', ref] : ['current data', cur];
      return untested(column, ref, cur, `the ${side} has ${data.total} values; ${test.name} needs at least ${needed}`);
    }
    const threshold = settings.threshold ?? (settings.test === undefined ? parsed.threshold : undefined) ?? test.defaultThreshold;
    const { score, drifted } = test.test(ref, cur, threshold);
    return {
      column,
      kind: ref.kind,
      test: test.name,
      scoreKind: test.scoreKind,
      score,
      threshold,
      drifted,
      reference: sideOf(ref),
      current: sideOf(cur),
    };
  });
  const tested = columns.filter((column) => column.test !== null);
  if (tested.length === 0) {
    const reasons = columns.map((column) => `${column.column}: ${column.problem}`).join('; ');
    throw new MlpError(
      'INVALID_ARGUMENT',
      `No column could be tested for drift (${reasons}). Give both sides non-empty values in shared columns.`,
      {
        details: { columns: columns.map(({ column, problem }) => ({ column, problem })) },
      },
    );
  }
  const drifted = tested.filter((column) => column.drifted).length;
  const driftShare = drifted / tested.length;
  return {
    datasetDrift: driftShare >= parsed.driftShare,
    driftShare,
    driftShareThreshold: parsed.driftShare,
    testedColumns: tested.length,
    driftedColumns: drifted,
    columns,
    ...namedDrift(columns, parsed),
  };
}
