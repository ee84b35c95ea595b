import { MlpError, type PredictionLogQuery, type PredictionLogReader } from '@mlp/core';
import type { ProfileStore, StoredProfile } from '../store/profile-store.js';
import { DatasetProfile } from './dataset-profile.js';
import { predictionRows } from './prediction-rows.js';

export interface FoldPredictionsOptions extends PredictionLogQuery {
  /** The reference profile whose columns and bins the windows take. */
  reference: DatasetProfile;
  /** Window length in milliseconds; windows are aligned to multiples of it (epoch ms). */
  windowMs: number;
  /** Where the windows are stored, folded into what is there (so reruns over new entries add up). */
  store: ProfileStore;
  /** The name the windows are stored under (a monitor's or deployment's). */
  name: string;
  onProgress?: (event: { entries: number; rows: number }) => void;
}

/**
 * Folds the prediction log of a model over [from, to) into window profiles, one per `windowMs`, and
 * adds each to the stored window: the rows are never kept, only the sketches. Returns the windows
 * written.
 */
export async function foldPredictionLog(reader: PredictionLogReader, options: FoldPredictionsOptions): Promise<StoredProfile[]> {
  if (!Number.isSafeInteger(options.windowMs) || options.windowMs < 1) {
    throw new MlpError('INVALID_ARGUMENT', `windowMs must be a whole number of milliseconds ≥ 1, not ${options.windowMs}.`);
  }
  const { reference, windowMs, store, name, onProgress, ...query } = options;
  const windows = new Map<number, DatasetProfile>();
  let entries = 0;
  let rows = 0;
  for await (const entry of reader.read(query)) {
    const start = Math.floor(entry.at / windowMs) * windowMs;
    let window = windows.get(start);
    if (!window) {
      window = DatasetProfile.windowOf(reference);
      windows.set(start, window);
    }
    for (const row of predictionRows(entry)) {
      window.addRow(row);
      rows += 1;
    }
    entries += 1;
    if (entries % 1000 === 0) onProgress?.({ entries, rows });
  }
  onProgress?.({ entries, rows });
  const written: StoredProfile[] = [];
  for (const [start, window] of [...windows].sort((a, b) => a[0] - b[0])) {
    written.push(await store.addToWindow(name, { start, end: start + windowMs }, window, { model: query.model }));
  }
  return written;
}
