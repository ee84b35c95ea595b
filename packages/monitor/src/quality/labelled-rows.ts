import type { PredictionLogQuery, PredictionLogReader } from '@mlp/core';
import { predictionRows } from '../profile/prediction-rows.js';
import type { LabelStore } from './label-store.js';

export interface LabelledRowsOptions extends PredictionLogQuery {
  /** Where the labels are. */
  labels: LabelStore;
  /** The name the labels were stored under (`mlp monitor labels --deployment`); default: the model's name. */
  deployment?: string;
}

/** One predicted row with its true value, when one has arrived (`label` undefined otherwise). */
export interface LabelledRow {
  /** When the prediction was answered, epoch ms. */
  at: number;
  requestId: string;
  /** The logged inputs with the outputs beside them (`prediction`, `prediction.<field>`), as profiles fold them. */
  row: Record<string, unknown>;
  label: string | number | boolean | undefined;
}

const entriesPerLookup = 500;

/** The label ids of a request's rows: the request id for a one-row request, `<id>#<i>` for each row of a batch. */
export function labelIdsOf(requestId: string, rows: number): string[] {
  return rows === 1 ? [requestId] : Array.from({ length: rows }, (_, i) => `${requestId}#${i}`);
}

/**
 * The prediction log of a model over [from, to) joined to its labels by request id: every logged row,
 * with the label when it has arrived. Labels are looked up 500 requests at a time, so neither the log
 * nor the labels are held whole. When `deployment` is given, entries another deployment logged for the
 * same model are left out.
 */
export async function* labelledPredictionRows(reader: PredictionLogReader, options: LabelledRowsOptions): AsyncIterable<LabelledRow> {
  const { labels, deployment, ...query } = options;
  const key = deployment ?? query.model;
  let pending: { at: number; requestId: string; rows: Record<string, unknown>[]; ids: string[] }[] = [];
  async function* drain() {
    const found = await labels.get(
      key,
      pending.flatMap((entry) => entry.ids),
    );
    for (const entry of pending) {
      for (let i = 0; i < entry.rows.length; i += 1) {
        yield {
          at: entry.at,
          requestId: entry.requestId,
          row: entry.rows[i] as Record<string, unknown>,
          label: found.get(entry.ids[i] as string),
        };
      }
    }
    pending = [];
  }
  for await (const entry of reader.read(query)) {
    if (deployment !== undefined && entry.deployment !== undefined && entry.deployment !== deployment) continue;
    const rows = predictionRows(entry);
    pending.push({ at: entry.at, requestId: entry.requestId, rows, ids: labelIdsOf(entry.requestId, rows.length) });
    if (pending.length >= entriesPerLookup) yield* drain();
  }
  if (pending.length > 0) yield* drain();
}
