import { MlpError } from '@mlp/core';
import { FrequentValues, type FrequentValuesJson } from './frequent-values.js';
import { TDigest, type TDigestJson } from './t-digest.js';

/** Counts on fixed bins (the reference's), with values below the first edge and above the last apart. */
export interface FixedHistogramJson {
  edges: number[];
  counts: number[];
  below: number;
  above: number;
}

export interface NumericProfileJson {
  kind: 'numeric';
  count: number;
  nulls: number;
  min: number | null;
  max: number | null;
  mean: number;
  /** Σ (x − mean)², merged by Chan's formula. */
  m2: number;
  integer: boolean;
  digest: TDigestJson;
  histogram: FixedHistogramJson | null;
  /** Every distinct value with its count while there are at most `distinctCapacity`; null beyond. */
  distinct: [number, number][] | null;
}

export interface CategoricalProfileJson {
  kind: 'categorical';
  count: number;
  nulls: number;
  frequent: FrequentValuesJson;
}

export type ColumnProfileJson = NumericProfileJson | CategoricalProfileJson;

export const distinctCapacity = 1000;

function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  if (x === edges[hi]) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A numeric column folded value by value: counts, moments, extremes, a t-digest, fixed bins, distinct values while few. */
export class NumericProfile {
  readonly kind = 'numeric' as const;
  count = 0;
  nulls = 0;
  mean = 0;
  m2 = 0;
  integer = true;
  readonly digest: TDigest;
  private edges: Float64Array | undefined;
  private bins: Float64Array | undefined;
  private below = 0;
  private above = 0;
  private distinct: Map<number, number> | undefined = new Map();

  constructor(options: { compression?: number; edges?: readonly number[] } = {}) {
    this.digest = new TDigest(options.compression ?? 200);
    if (options.edges) {
      this.edges = Float64Array.from(options.edges);
      this.bins = new Float64Array(options.edges.length - 1);
    }
  }

  static fromJson(json: NumericProfileJson): NumericProfile {
    const profile = new NumericProfile({
      compression: json.digest.compression,
      ...(json.histogram ? { edges: json.histogram.edges } : {}),
    });
    Object.assign(profile, { count: json.count, nulls: json.nulls, mean: json.mean, m2: json.m2, integer: json.integer });
    (profile as { digest: TDigest }).digest = TDigest.fromJson(json.digest);
    if (json.histogram && profile.bins) {
      profile.bins.set(json.histogram.counts);
      profile.below = json.histogram.below;
      profile.above = json.histogram.above;
    }
    profile.distinct = json.distinct ? new Map(json.distinct) : undefined;
    return profile;
  }

  /** Folds one value in; null, undefined, NaN and ±Infinity count as nulls, anything else not a number too. */
  add(value: unknown, weight = 1): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.nulls += weight;
      return;
    }
    this.count += weight;
    const delta = value - this.mean;
    this.mean += (delta * weight) / this.count;
    this.m2 += delta * (value - this.mean) * weight;
    if (this.integer && !Number.isInteger(value)) this.integer = false;
    this.digest.add(value, weight);
    if (this.edges && this.bins) {
      if (value < (this.edges[0] as number)) this.below += weight;
      else if (value > (this.edges[this.edges.length - 1] as number)) this.above += weight;
      else {
        const bin = binOf(this.edges, value);
        this.bins[bin] = (this.bins[bin] as number) + weight;
      }
    }
    if (this.distinct) {
      this.distinct.set(value, (this.distinct.get(value) ?? 0) + weight);
      if (this.distinct.size > distinctCapacity) this.distinct = undefined;
    }
  }

  merge(other: NumericProfile): void {
    const count = this.count + other.count;
    if (other.count > 0) {
      const delta = other.mean - this.mean;
      this.m2 += other.m2 + (delta * delta * this.count * other.count) / count;
      this.mean += (delta * other.count) / count;
    }
    this.count = count;
    this.nulls += other.nulls;
    this.integer &&= other.integer;
    this.digest.merge(other.digest);
    if (this.edges && this.bins) {
      if (
        !other.edges ||
        !other.bins ||
        other.edges.length !== this.edges.length ||
        other.edges.some((edge, i) => edge !== this.edges?.[i])
      ) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          'Cannot merge profiles binned on different edges: fold both windows against the same reference profile.',
        );
      }
      for (let i = 0; i < this.bins.length; i += 1) this.bins[i] = (this.bins[i] as number) + (other.bins[i] as number);
      this.below += other.below;
      this.above += other.above;
    }
    if (this.distinct && other.distinct) {
      for (const [value, n] of other.distinct) this.distinct.set(value, (this.distinct.get(value) ?? 0) + n);
      if (this.distinct.size > distinctCapacity) this.distinct = undefined;
    } else this.distinct = undefined;
  }

  /** The population standard deviation. */
  get std(): number {
    return this.count > 0 ? Math.sqrt(this.m2 / this.count) : 0;
  }

  /** The fixed-bin histogram, when the profile has bins. */
  get histogram(): FixedHistogramJson | null {
    return this.edges && this.bins
      ? { edges: Array.from(this.edges), counts: Array.from(this.bins), below: this.below, above: this.above }
      : null;
  }

  /** Distinct values (sorted) with counts while they were few enough to keep; undefined beyond. */
  get distinctValues(): [number, number][] | undefined {
    return this.distinct ? [...this.distinct].sort((a, b) => a[0] - b[0]) : undefined;
  }

  toJson(): NumericProfileJson {
    return {
      kind: 'numeric',
      count: this.count,
      nulls: this.nulls,
      min: this.count > 0 ? this.digest.min : null,
      max: this.count > 0 ? this.digest.max : null,
      mean: this.mean,
      m2: this.m2,
      integer: this.integer,
      digest: this.digest.toJson(),
      histogram: this.histogram,
      distinct: this.distinctValues ?? null,
    };
  }
}

/** A categorical column folded value by value: counts and its frequent values. */
export class CategoricalProfile {
  readonly kind = 'categorical' as const;
  count = 0;
  nulls = 0;
  readonly frequent: FrequentValues;

  constructor(options: { capacity?: number } = {}) {
    this.frequent = new FrequentValues(options.capacity ?? distinctCapacity);
  }

  static fromJson(json: CategoricalProfileJson): CategoricalProfile {
    const profile = new CategoricalProfile({ capacity: json.frequent.capacity });
    profile.count = json.count;
    profile.nulls = json.nulls;
    (profile as { frequent: FrequentValues }).frequent = FrequentValues.fromJson(json.frequent);
    return profile;
  }

  add(value: unknown, weight = 1): void {
    if (value === null || value === undefined) {
      this.nulls += weight;
      return;
    }
    this.count += weight;
    this.frequent.add(typeof value === 'string' ? value : String(value), weight);
  }

  merge(other: CategoricalProfile): void {
    this.count += other.count;
    this.nulls += other.nulls;
    this.frequent.merge(other.frequent);
  }

  toJson(): CategoricalProfileJson {
    return { kind: 'categorical', count: this.count, nulls: this.nulls, frequent: this.frequent.toJson() };
  }
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

export function columnProfileFromJson(json: ColumnProfileJson): ColumnProfile {
  return json.kind === 'numeric' ? NumericProfile.fromJson(json) : CategoricalProfile.fromJson(json);
}
