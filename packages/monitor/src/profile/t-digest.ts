import { MlpError } from '@mlp/core';

/** A t-digest as stored: centroids (means and weights, by mean), the extremes and the compression. */
export interface TDigestJson {
  compression: number;
  means: number[];
  weights: number[];
  min: number;
  max: number;
}

/**
 * Dunning's merging t-digest (2019) with the k₁ scale function: a mergeable quantile sketch of at most
 * about `compression` centroids, most accurate at the tails. Values are buffered and merged in sorted
 * batches, so adding one costs an array write.
 */
export class TDigest {
  readonly compression: number;
  private means: Float64Array;
  private weights: Float64Array;
  private centroids = 0;
  private buffer: Float64Array;
  private bufferWeights: Float64Array;
  private buffered = 0;
  private total = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(compression = 200) {
    if (!(compression >= 20 && compression <= 10_000))
      throw new MlpError('INVALID_ARGUMENT', `A t-digest's compression must lie between 20 and 10,000, not ${compression}.`);
    this.compression = compression;
    const capacity = Math.ceil(compression * 2) + 10;
    this.means = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.buffer = new Float64Array(capacity * 20);
    this.bufferWeights = new Float64Array(capacity * 20);
  }

  static fromJson(json: TDigestJson): TDigest {
    const digest = new TDigest(json.compression);
    for (let i = 0; i < json.means.length; i += 1) digest.add(json.means[i] as number, json.weights[i] as number);
    digest.flush();
    digest.min = json.min;
    digest.max = json.max;
    return digest;
  }

  get count(): number {
    return this.total + this.bufferedWeight();
  }

  private bufferedWeight(): number {
    let sum = 0;
    for (let i = 0; i < this.buffered; i += 1) sum += this.bufferWeights[i] as number;
    return sum;
  }

  /** Adds a finite value with a weight (default 1). */
  add(value: number, weight = 1): void {
    if (this.buffered === this.buffer.length) this.flush();
    this.buffer[this.buffered] = value;
    this.bufferWeights[this.buffered] = weight;
    if (weight !== 1) this.unitWeights = false;
    this.buffered += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds every centroid of `other`: the digest of both samples together. */
  merge(other: TDigest): void {
    other.flush();
    for (let i = 0; i < other.centroids; i += 1) this.add(other.means[i] as number, other.weights[i] as number);
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  private unitWeights = true;

  /** Merges the buffered values into the centroids. */
  flush(): void {
    if (this.buffered === 0) return;
    const count = this.buffered;
    // The buffer sorted by value: a plain typed-array sort when every weight is 1 (values folded one by
    // one), else an index sort carrying the weights (merged digests).
    let values: Float64Array;
    let weights: Float64Array;
    if (this.unitWeights) {
      values = this.buffer.slice(0, count).sort();
      weights = this.bufferWeights.subarray(0, count);
    } else {
      const order = new Uint32Array(count);
      for (let i = 0; i < count; i += 1) order[i] = i;
      order.sort((a, b) => (this.buffer[a] as number) - (this.buffer[b] as number));
      values = new Float64Array(count);
      weights = new Float64Array(count);
      for (let i = 0; i < count; i += 1) {
        values[i] = this.buffer[order[i] as number] as number;
        weights[i] = this.bufferWeights[order[i] as number] as number;
      }
    }
    let added = 0;
    for (let i = 0; i < count; i += 1) added += weights[i] as number;
    const total = this.total + added;
    const oldMeans = this.means.slice(0, this.centroids);
    const oldWeights = this.weights.slice(0, this.centroids);
    const old = this.centroids;
    this.buffered = 0;
    this.unitWeights = true;
    this.total = total;

    const delta = this.compression;
    const k = (q: number) => (delta / (2 * Math.PI)) * Math.asin(2 * q - 1);
    const qOf = (kValue: number) => (Math.sin((Math.min(Math.max(kValue, -delta / 4), delta / 4) * 2 * Math.PI) / delta) + 1) / 2;
    // One sweep over the old centroids and the sorted buffer, both in order of value.
    let i = 0;
    let j = 0;
    let m = 0;
    let w = 0;
    const take = () => {
      if (j >= count || (i < old && (oldMeans[i] as number) <= (values[j] as number))) {
        m = oldMeans[i] as number;
        w = oldWeights[i] as number;
        i += 1;
      } else {
        m = values[j] as number;
        w = weights[j] as number;
        j += 1;
      }
    };
    take();
    let out = 0;
    let mean = m;
    let weight = w;
    let before = 0;
    let limit = qOf(k(0) + 1) * total;
    while (i < old || j < count) {
      take();
      if (before + weight + w <= limit) {
        weight += w;
        mean += (m - mean) * (w / weight);
      } else {
        this.means[out] = mean;
        this.weights[out] = weight;
        out += 1;
        before += weight;
        limit = qOf(k(before / total) + 1) * total;
        mean = m;
        weight = w;
      }
    }
    this.means[out] = mean;
    this.weights[out] = weight;
    this.centroids = out + 1;
  }

  /** The value below which a share `q` of the weight lies, interpolated between centroid centres. */
  quantile(q: number): number {
    this.flush();
    if (this.centroids === 0) return Number.NaN;
    if (this.centroids === 1) return this.means[0] as number;
    const target = Math.min(Math.max(q, 0), 1) * this.total;
    let cumulative = 0;
    let previousCentre = 0;
    let previousMean = this.min;
    for (let i = 0; i < this.centroids; i += 1) {
      const w = this.weights[i] as number;
      const centre = cumulative + w / 2;
      const mean = this.means[i] as number;
      if (target < centre) {
        const span = centre - previousCentre;
        return span > 0 ? previousMean + ((mean - previousMean) * (target - previousCentre)) / span : mean;
      }
      cumulative += w;
      previousCentre = centre;
      previousMean = mean;
    }
    const span = this.total - previousCentre;
    return span > 0 ? previousMean + ((this.max - previousMean) * (target - previousCentre)) / span : this.max;
  }

  toJson(): TDigestJson {
    this.flush();
    return {
      compression: this.compression,
      means: Array.from(this.means.subarray(0, this.centroids)),
      weights: Array.from(this.weights.subarray(0, this.centroids)),
      min: this.min,
      max: this.max,
    };
  }
}
