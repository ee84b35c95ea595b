import { MlpError } from '@mlp/core';
import { sturgesEdges } from '../drift/binned-data.js';
import type { ColumnSet } from '../drift/detect-drift.js';
import { CategoricalProfile, type ColumnProfile, type ColumnProfileJson, columnProfileFromJson, NumericProfile } from './column-profile.js';

/** A profile as stored: per column sketches, mergeable with another profile of the same reference. */
export interface DatasetProfileJson {
  format: 'mlp.profile';
  version: 1;
  rows: number;
  columns: Record<string, ColumnProfileJson>;
}

export interface ProfileOptions {
  /** t-digest compression (default 200). */
  compression?: number;
  /** Frequent values kept per categorical column (default 1000). */
  capacity?: number;
}

/**
 * Per-column sketches of a dataset or a window, folded row by row without keeping rows: counts, nulls,
 * min/max, mean and variance, a t-digest, counts on the reference's fixed bins, distinct values while
 * few, frequent values. Profiles of the same reference merge into the profile of both windows.
 */
export class DatasetProfile {
  rows = 0;
  readonly columns = new Map<string, ColumnProfile>();
  private readonly options: ProfileOptions;

  constructor(options: ProfileOptions = {}) {
    this.options = options;
  }

  /** An empty window profile with the reference's columns, kinds and bins. */
  static windowOf(reference: DatasetProfile, options: ProfileOptions = {}): DatasetProfile {
    const window = new DatasetProfile(options);
    for (const [name, column] of reference.columns) {
      window.columns.set(
        name,
        column.kind === 'numeric'
          ? new NumericProfile({
              compression: options.compression ?? column.digest.compression,
              ...(column.histogram ? { edges: column.histogram.edges } : {}),
            })
          : new CategoricalProfile({ capacity: options.capacity ?? column.frequent.capacity }),
      );
    }
    return window;
  }

  static fromJson(json: DatasetProfileJson): DatasetProfile {
    if (json?.format !== 'mlp.profile' || json.version !== 1) {
      throw new MlpError('INVALID_ARGUMENT', 'Not an mlp profile (format "mlp.profile", version 1): write profiles with profile.toJson().');
    }
    const profile = new DatasetProfile();
    profile.rows = json.rows;
    for (const [name, column] of Object.entries(json.columns)) profile.columns.set(name, columnProfileFromJson(column));
    return profile;
  }

  private columnFor(name: string, value: unknown): ColumnProfile {
    const profile =
      typeof value === 'number'
        ? new NumericProfile(this.options.compression ? { compression: this.options.compression } : {})
        : new CategoricalProfile(this.options.capacity ? { capacity: this.options.capacity } : {});
    profile.nulls = this.rows; // the rows folded before the column first appeared
    this.columns.set(name, profile);
    return profile;
  }

  /** Folds one record in: a column it lacks counts a null; a new column starts with the rows before as nulls. */
  addRow(record: Readonly<Record<string, unknown>>): void {
    let seen = 0;
    for (const [name, column] of this.columns) {
      const value = record[name];
      if (value !== undefined) seen += 1;
      column.add(value === undefined ? null : value);
    }
    if (seen < Object.keys(record).length) {
      for (const name in record) {
        const value = record[name];
        if (value === undefined || value === null || this.columns.has(name)) continue;
        this.columnFor(name, value).add(value);
      }
    }
    this.rows += 1;
  }

  addRows(records: Iterable<Readonly<Record<string, unknown>>>): void {
    for (const record of records) this.addRow(record);
  }

  /** Adds `other`'s rows: both must come from the same reference (same bins). */
  merge(other: DatasetProfile): void {
    for (const [name, column] of other.columns) {
      const mine = this.columns.get(name);
      if (!mine) {
        const copy = columnProfileFromJson(column.toJson());
        copy.nulls += this.rows;
        this.columns.set(name, copy);
      } else if (mine.kind === 'numeric' && column.kind === 'numeric') mine.merge(column);
      else if (mine.kind === 'categorical' && column.kind === 'categorical') mine.merge(column);
      else
        throw new MlpError(
          'INVALID_ARGUMENT',
          `Column ${JSON.stringify(name)} is ${mine.kind} in one profile and ${column.kind} in the other: profiles of the same data merge.`,
        );
    }
    for (const [name, column] of this.columns) if (!other.columns.has(name)) column.nulls += other.rows;
    this.rows += other.rows;
  }

  toJson(): DatasetProfileJson {
    return {
      format: 'mlp.profile',
      version: 1,
      rows: this.rows,
      columns: Object.fromEntries([...this.columns].map(([name, column]) => [name, column.toJson()])),
    };
  }
}

/**
 * The reference profile of exact column data (a file or dataset version read for drift): numeric
 * columns binned on Sturges edges over the reference's own range, so windows fold onto the same bins.
 */
export function profileColumnData(columns: ColumnSet, options: ProfileOptions = {}): DatasetProfile {
  const profile = new DatasetProfile(options);
  let rows = 0;
  for (const [name, data] of Object.entries(columns)) {
    rows = Math.max(rows, data.total + data.nulls);
    if (data.kind === 'numeric') {
      const edges =
        data.values.length > 0
          ? Array.from(sturgesEdges(data.values[0] as number, data.values[data.values.length - 1] as number, data.total, data.integer))
          : undefined;
      const column = new NumericProfile({
        ...(options.compression ? { compression: options.compression } : {}),
        ...(edges ? { edges } : {}),
      });
      for (let i = 0; i < data.values.length; i += 1) column.add(data.values[i], data.counts[i]);
      column.nulls = data.nulls;
      profile.columns.set(name, column);
    } else {
      const column = new CategoricalProfile(options.capacity ? { capacity: options.capacity } : {});
      for (let i = 0; i < data.categories.length; i += 1) column.add(data.categories[i], data.counts[i]);
      column.nulls = data.nulls;
      profile.columns.set(name, column);
    }
  }
  profile.rows = rows;
  return profile;
}
