import { MlpError } from '@mlp/core';
import type { ViewType } from '../model.js';

/** `--all` lists active and deleted, `--deleted` only deleted, neither only active (MLflow's default). */
export function viewTypeFromFlags(flags: { all?: boolean; deleted?: boolean }): ViewType {
  if (flags.all) return 'ALL';
  return flags.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY';
}

/** Parses `--limit`: a positive integer, nothing else (no `10abc`, no `1e3`). */
export function parseLimit(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new MlpError('INVALID_ARGUMENT', `--limit must be a positive whole number, got ${JSON.stringify(text)}.`, {
      details: { limit: text },
    });
  }
  return value;
}

/** Commander's accumulator for options given more than once (`--order-by a --order-by b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
