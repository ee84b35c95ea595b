/** Counts per value, kept exactly up to `capacity` distinct values; beyond, the rarest fold into `other`. */
export interface FrequentValuesJson {
  capacity: number;
  values: [string, number][];
  /** Occurrences of values no longer kept (dropped as the rarest when the capacity was reached). */
  other: number;
}

/**
 * A mergeable frequent-values sketch: exact while the distinct values fit, then the most frequent kept
 * and the rest counted in `other` (so shares of kept values stay exact, and each dropped value was at
 * most as frequent as the rarest kept one when dropped).
 */
export class FrequentValues {
  readonly capacity: number;
  readonly counts = new Map<string, number>();
  other = 0;

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  static fromJson(json: FrequentValuesJson): FrequentValues {
    const sketch = new FrequentValues(json.capacity);
    for (const [value, count] of json.values) sketch.counts.set(value, count);
    sketch.other = json.other;
    return sketch;
  }

  add(value: string, count = 1): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    // Trimming halves the surplus at once, so a stream of new values costs amortised O(1).
    if (this.counts.size > this.capacity * 2) this.trim();
  }

  merge(other: FrequentValues): void {
    for (const [value, count] of other.counts) this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    this.other += other.other;
    if (this.counts.size > this.capacity) this.trim();
  }

  /** Keeps the `capacity` most frequent values; the others' counts go to `other`. */
  trim(): void {
    if (this.counts.size <= this.capacity) return;
    const sorted = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [value, count] of sorted.slice(this.capacity)) {
      this.counts.delete(value);
      this.other += count;
    }
  }

  toJson(): FrequentValuesJson {
    this.trim();
    return { capacity: this.capacity, values: [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), other: this.other };
  }
}
