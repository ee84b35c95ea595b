import type { FeatureValue } from '../definitions/feature-types.js';
import type { EntityKeyValues, OnlineRow, OnlineView } from './online-view.js';

/** Where a view's materialisation got to: rows with event times before `to` are in the online store. */
export interface MaterializationWatermark {
  /** Epoch ms: the end (exclusive) of the last materialised range; the next run starts here. */
  to: number;
  /** The view version that was materialised. */
  version: number;
  /** Epoch ms when it was recorded. */
  updatedAt: number;
}

export interface OnlineWriteResult {
  /** Entities whose values were replaced or added. */
  written: number;
  /** Entities skipped: the store holds a newer value, or the row is already past the view's TTL. */
  skipped: number;
}

export interface OnlineReadOptions {
  /** Only these features (in this order); all of the view's features when omitted. */
  features?: readonly string[];
  /** The time TTLs are judged at, epoch ms (now by default). */
  now?: number;
}

/**
 * The latest feature values per entity, for serving. Two backends: the workspace database (the
 * default) and Redis. Both keep only the newest event time per entity and run one contract suite
 * (`runOnlineStoreContract` of `@mlp/features/testing`).
 */
export interface OnlineStore {
  /** `workspace` or `redis`. */
  readonly kind: string;
  /** Upserts the latest row per entity, keeping a stored value whose event time is newer. */
  write(view: OnlineView, rows: readonly OnlineRow[]): Promise<OnlineWriteResult>;
  /**
   * One entry per key, in order: the features by name, or null when the store holds nothing for the
   * entity or its value is older than the view's TTL. NOT_FOUND for a feature the view lacks.
   */
  read(
    view: OnlineView,
    keys: readonly EntityKeyValues[],
    options?: OnlineReadOptions,
  ): Promise<Array<Record<string, FeatureValue> | null>>;
  /** Removes every value of the view and its watermark. */
  deleteView(view: string): Promise<void>;
  getWatermark(view: string): Promise<MaterializationWatermark | null>;
  setWatermark(view: string, watermark: { to: number; version: number }): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
