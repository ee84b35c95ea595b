import { createHash } from 'node:crypto';
import { MlpError } from '@mlp/core';
import type { FeatureType, FeatureValue } from '../definitions/feature-types.js';

/**
 * What the online stores need of a feature view: its name, join keys, typed features and TTL. The
 * registry's `ResolvedFeatureView` is one; tests and benches build one by hand.
 */
export interface OnlineView {
  readonly name: string;
  readonly joinKeys: readonly { readonly name: string; readonly type: FeatureType }[];
  readonly features: readonly { readonly name: string; readonly type: FeatureType }[];
  /** How long a value is served after its event time, in milliseconds; 0 = no limit. */
  readonly ttlMs: number;
}

/** One entity's join-key values, in the view's join-key order. */
export type EntityKeyValues = readonly (string | number)[];

/** The latest feature values of one entity, as materialisation writes them. */
export interface OnlineRow {
  key: EntityKeyValues;
  /** The event time of these values, epoch milliseconds: the store keeps the newest per entity. */
  eventTs: number;
  /**
   * One value per feature, in the view's feature order; or that array as JSON text (materialisation
   * has the database write it, so values are never parsed and serialised again on the way to Redis).
   */
  values: readonly FeatureValue[] | string;
}

const namePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkViewName(name: string): void {
  if (!namePattern.test(name)) {
    throw new MlpError('INVALID_ARGUMENT', `Feature view name ${JSON.stringify(name)} is not valid: use lower case letters, digits and _.`);
  }
}

/**
 * The key of one entity inside a view: the single join key's value as text, or a JSON array of the
 * values for several keys. An int64 key accepts 42 and '42' alike, so both read the same entity.
 */
export function encodeEntityKey(view: OnlineView, key: EntityKeyValues): string {
  const keys = view.joinKeys;
  if (key.length !== keys.length) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Feature view ${view.name} is keyed by ${keys.map((k) => k.name).join(', ')}: give ${keys.length} key value(s), got ${key.length}.`,
    );
  }
  if (keys.length === 1) return keyText(view, 0, key[0] as string | number);
  return JSON.stringify(key.map((value, index) => keyText(view, index, value)));
}

function keyText(view: OnlineView, index: number, value: string | number): string {
  const joinKey = view.joinKeys[index] as OnlineView['joinKeys'][number];
  if (joinKey.type === 'int64' || joinKey.type === 'timestamp') {
    const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value.trim();
    if (!/^-?\d+$/.test(text)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Join key ${joinKey.name} of feature view ${view.name} is ${joinKey.type}: ${JSON.stringify(value)} is not a whole number.`,
      );
    }
    return String(BigInt(text));
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new MlpError('INVALID_ARGUMENT', `Join key ${joinKey.name} of feature view ${view.name} must be a string or a number.`);
  }
  return String(value);
}

/**
 * Identifies the order and types of a view's features, so a value written under another version of
 * the view is still read by name.
 */
const layouts = new WeakMap<OnlineView['features'], string>();

export function layoutOf(view: OnlineView): string {
  const known = layouts.get(view.features);
  if (known) return known;
  const layout = computeLayout(view);
  layouts.set(view.features, layout);
  return layout;
}

function computeLayout(view: OnlineView): string {
  const text = view.features.map((feature) => `${feature.name}:${feature.type}`).join(',');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The positions of `wanted` in the view's features; NOT_FOUND names what the view has. */
export function featureIndexes(view: OnlineView, wanted: readonly string[] | undefined): number[] {
  if (wanted === undefined) return view.features.map((_, index) => index);
  const positions = new Map(view.features.map((feature, index) => [feature.name, index]));
  return wanted.map((name) => {
    const index = positions.get(name);
    if (index === undefined) {
      throw new MlpError(
        'NOT_FOUND',
        `Feature view ${view.name} has no feature ${JSON.stringify(name)}: it has ${view.features.map((f) => f.name).join(', ')}.`,
      );
    }
    return index;
  });
}

/** Keeps the newest row of each entity (the last one given on equal times): a batch upserts each key once. */
export function latestPerEntity(view: OnlineView, rows: readonly OnlineRow[]): Map<string, OnlineRow> {
  const latest = new Map<string, OnlineRow>();
  for (const row of rows) {
    if (!Number.isSafeInteger(row.eventTs)) {
      throw new MlpError('INVALID_ARGUMENT', `A row of feature view ${view.name} has event time ${row.eventTs}: give epoch milliseconds.`);
    }
    if (typeof row.values !== 'string' && row.values.length !== view.features.length) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `A row of feature view ${view.name} has ${row.values.length} values for its ${view.features.length} features.`,
      );
    }
    const key = encodeEntityKey(view, row.key);
    const seen = latest.get(key);
    if (!seen || seen.eventTs <= row.eventTs) latest.set(key, row);
  }
  return latest;
}

/** True when a value with this event time is past the view's TTL at `now`. */
export function expired(view: OnlineView, eventTs: number, now: number): boolean {
  return view.ttlMs > 0 && eventTs + view.ttlMs <= now;
}

/** Sets an own property, also for a feature named `__proto__` (plain assignment would set the prototype). */
export function setFeature(record: Record<string, FeatureValue>, name: string, value: FeatureValue): void {
  if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}
