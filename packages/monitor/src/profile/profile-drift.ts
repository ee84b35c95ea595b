import { MlpError } from '@mlp/core';
import { fillZeroes } from '../drift/binned-data.js';
import { categoricalColumn, type DriftColumnData, numericColumn } from '../drift/column-data.js';
import {
  type ColumnDrift,
  type DriftOptions,
  type DriftResult,
  detectDrift,
  driftOptionsSchema,
  namedDrift,
  problemOf,
  untested,
} from '../drift/detect-drift.js';
import { jensenShannonDistance, klDivergence, populationStabilityIndex } from '../stats/divergences.js';
import type { CategoricalProfile, ColumnProfile, NumericProfile } from './column-profile.js';
import type { DatasetProfile } from './dataset-profile.js';

/** The column's exact data, when the profile kept every distinct value; undefined otherwise. */
export function exactColumnData(profile: ColumnProfile): DriftColumnData | undefined {
  if (profile.kind === 'numeric') {
    const distinct = profile.distinctValues;
    if (!distinct) return undefined;
    return numericColumn(
      Float64Array.from(distinct, ([value]) => value),
      Float64Array.from(distinct, ([, count]) => count),
      { nulls: profile.nulls, integer: profile.integer },
    );
  }
  if (profile.frequent.other > 0) return undefined;
  const entries = [...profile.frequent.counts];
  return categoricalColumn(
    entries.map(([value]) => value),
    Float64Array.from(entries, ([, count]) => count),
    profile.nulls,
  );
}

const quantilePoints = 1000;

/** W₁ = ∫₀¹ |Q_ref(q) − Q_cur(q)| dq from the two t-digests (midpoint rule on 1,000 points), over the reference std. */
function sketchWasserstein(reference: NumericProfile, current: NumericProfile): number {
  let sum = 0;
  for (let i = 0; i < quantilePoints; i += 1) {
    const q = (i + 0.5) / quantilePoints;
    sum += Math.abs(reference.digest.quantile(q) - current.digest.quantile(q));
  }
  return sum / quantilePoints / Math.max(reference.std, 0.001);
}

function numericShares(profile: NumericProfile): Float64Array | undefined {
  const histogram = profile.histogram;
  if (!histogram) return undefined;
  return Float64Array.from([histogram.below, ...histogram.counts, histogram.above], (count) => count / profile.count);
}

function categoricalShares(reference: CategoricalProfile, current: CategoricalProfile): [Float64Array, Float64Array] {
  const keys = [...new Set([...reference.frequent.counts.keys(), ...current.frequent.counts.keys()])];
  const ref = keys.map((key) => (reference.frequent.counts.get(key) ?? 0) / reference.count);
  const cur = keys.map((key) => (current.frequent.counts.get(key) ?? 0) / current.count);
  if (reference.frequent.other > 0 || current.frequent.other > 0) {
    ref.push(reference.frequent.other / reference.count);
    cur.push(current.frequent.other / current.count);
  }
  return [Float64Array.from(ref), Float64Array.from(cur)];
}

const sketchTests = {
  wasserstein: { threshold: 0.1, kinds: ['numeric'] },
  jensenshannon: { threshold: 0.1, kinds: ['numeric', 'categorical'] },
  psi: { threshold: 0.1, kinds: ['numeric', 'categorical'] },
  kl_div: { threshold: 0.1, kinds: ['numeric', 'categorical'] },
} as const;
type SketchTest = keyof typeof sketchTests;

function sketchScore(test: SketchTest, reference: ColumnProfile, current: ColumnProfile): number | string {
  if (test === 'wasserstein') return sketchWasserstein(reference as NumericProfile, current as NumericProfile);
  let shares: [Float64Array, Float64Array];
  if (reference.kind === 'numeric') {
    const ref = numericShares(reference);
    const cur = numericShares(current as NumericProfile);
    if (!ref || !cur) return 'the profiles have no fixed bins: fold the window against the reference profile';
    shares = [ref, cur];
  } else shares = categoricalShares(reference, current as CategoricalProfile);
  if (test === 'jensenshannon') return jensenShannonDistance(shares[0], shares[1], 2);
  const [ref, cur] = [fillZeroes(shares[0]), fillZeroes(shares[1])];
  return test === 'psi' ? populationStabilityIndex(ref, cur) : klDivergence(ref, cur);
}

/** A column's counts and kind, for saying why it cannot be tested (its values are not needed there). */
function standIn(profile: ColumnProfile | undefined): DriftColumnData | undefined {
  if (!profile) return undefined;
  const empty =
    profile.kind === 'numeric' ? numericColumn(new Float64Array(), new Float64Array()) : categoricalColumn([], new Float64Array());
  return { ...empty, total: profile.count, nulls: profile.nulls };
}

function sideOf(profile: ColumnProfile | undefined) {
  return { count: profile?.count ?? 0, nulls: profile?.nulls ?? 0 };
}

/**
 * Drift between a reference profile and a window profile. A column whose distinct values both
 * profiles kept is tested exactly (every test, Evidently's default rule); otherwise from the sketches:
 * normed Wasserstein from the t-digests for numbers, Jensen-Shannon (or PSI, KL) on the reference's
 * fixed bins or the frequent values (the rest pooled as one "other" bin). Tests that need every value
 * (KS, chi-squared, Z, plugins) get a per-column problem there.
 */
export function detectProfileDrift(reference: DatasetProfile, current: DatasetProfile, options: DriftOptions = {}): DriftResult {
  const parsed = driftOptionsSchema.parse(options);
  const names = parsed.columns ?? [...new Set([...reference.columns.keys(), ...current.columns.keys()])];
  if (names.length === 0) throw new MlpError('INVALID_ARGUMENT', 'The profiles have no columns to test.');
  const columns = names.map((name): ColumnDrift => {
    const ref = reference.columns.get(name);
    const cur = current.columns.get(name);
    const problem = problemOf(standIn(ref), standIn(cur));
    if (problem || !ref || !cur) return untested(name, standIn(ref), standIn(cur), problem ?? 'missing');
    const exactRef = exactColumnData(ref);
    const exactCur = exactColumnData(cur);
    if (exactRef && exactCur)
      return detectDrift({ [name]: exactRef }, { [name]: exactCur }, { ...options, columns: [name] }).columns[0] as ColumnDrift;
    const settings = parsed.perColumn?.[name] ?? {};
    const chosen = settings.test ?? parsed.test ?? (ref.kind === 'numeric' ? 'wasserstein' : 'jensenshannon');
    const base = { column: name, kind: ref.kind, reference: sideOf(ref), current: sideOf(cur) };
    if (!(chosen in sketchTests)) {
      return {
        ...base,
        test: null,
        scoreKind: null,
        score: null,
        threshold: null,
        drifted: false,
        problem: `${chosen} needs every value, and the profiles keep sketches here: use wasserstein, jensenshannon, psi or kl_div`,
      };
    }
    const test = chosen as SketchTest;
    if (!(sketchTests[test].kinds as readonly string[]).includes(ref.kind)) {
      return {
        ...base,
        test: null,
        scoreKind: null,
        score: null,
        threshold: null,
        drifted: false,
        problem: `${test} does not test ${ref.kind} columns`,
      };
    }
    const score = sketchScore(test, ref, cur);
    if (typeof score === 'string')
      return { ...base, test: null, scoreKind: null, score: null, threshold: null, drifted: false, problem: score };
    const threshold = settings.threshold ?? (settings.test === undefined ? parsed.threshold : undefined) ?? sketchTests[test].threshold;
    return { ...base, test, scoreKind: 'distance', score, threshold, drifted: score >= threshold };
  });
  const tested = columns.filter((column) => column.test !== null);
  if (tested.length === 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `No column could be tested for drift (${columns.map((column) => `${column.column}: ${column.problem}`).join('; ')}).`,
    );
  }
  const drifted = tested.filter((column) => column.drifted).length;
  return {
    datasetDrift: drifted / tested.length >= parsed.driftShare,
    driftShare: drifted / tested.length,
    driftShareThreshold: parsed.driftShare,
    testedColumns: tested.length,
    driftedColumns: drifted,
    columns,
    ...namedDrift(columns, parsed),
  };
}
