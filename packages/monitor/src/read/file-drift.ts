import { MlpError } from '@mlp/core';
import { openTabularDb, type TabularDb } from '@mlp/core/tabular';
import { type DriftOptions, type DriftResult, detectDrift, driftOptionsSchema, namedDrift, untested } from '../drift/detect-drift.js';
import { type FileColumnData, readColumnData } from './read-column-data.js';

export interface FileDriftOptions extends DriftOptions {
  /** Formats when the file names do not tell. */
  referenceFormat?: string;
  currentFormat?: string;
  db?: TabularDb;
  signal?: AbortSignal;
  /** Called as each side has been read and as the tests run. */
  onProgress?: (event: { stage: 'reference' | 'current' | 'tests'; message: string }) => void;
}

export interface FileDrift {
  result: DriftResult;
  reference: FileColumnData;
  current: FileColumnData;
}

/**
 * Drift between two files: each read once through one DuckDB, every shared column tested (Evidently's
 * defaults unless chosen), and the columns left out (dates, nested values) listed with the reason.
 */
export async function detectFileDrift(referenceFile: string, currentFile: string, options: FileDriftOptions = {}): Promise<FileDrift> {
  const { referenceFormat, currentFormat, db: given, signal, onProgress, ...driftOptions } = options;
  const db = given ?? (await openTabularDb());
  try {
    const common = { db, ...(driftOptions.columns ? { columns: driftOptions.columns } : {}), ...(signal ? { signal } : {}) };
    // Both sides at once: one side's queries fill the cores while the other's results are taken over.
    onProgress?.({ stage: 'reference', message: `reading ${referenceFile}` });
    onProgress?.({ stage: 'current', message: `reading ${currentFile}` });
    const [reference, current] = await Promise.all([
      readColumnData(referenceFile, { ...common, ...(referenceFormat ? { format: referenceFormat } : {}) }),
      readColumnData(currentFile, { ...common, ...(currentFormat ? { format: currentFormat } : {}) }),
    ]);
    onProgress?.({ stage: 'tests', message: 'testing columns' });
    const ignored = new Map<string, string>();
    for (const { column, reason } of [...reference.ignored, ...current.ignored]) if (!ignored.has(column)) ignored.set(column, reason);
    const names = driftOptions.columns ?? [...new Set([...Object.keys(reference.columns), ...Object.keys(current.columns)])];
    const tested = names.filter((name) => !ignored.has(name));
    if (tested.length === 0) {
      const reasons = [...ignored].map(([column, reason]) => `${column}: ${reason}`).join('; ');
      throw new MlpError(
        'INVALID_ARGUMENT',
        `No column of ${referenceFile} and ${currentFile} can be tested for drift${reasons ? ` (${reasons})` : ''}: give files with number, text or boolean columns.`,
      );
    }
    const result = detectDrift(reference.columns, current.columns, { ...driftOptions, columns: tested });
    for (const [column, reason] of ignored) {
      if (driftOptions.columns && !driftOptions.columns.includes(column)) continue;
      result.columns.push(untested(column, reference.columns[column], current.columns[column], reason));
    }
    Object.assign(result, namedDrift(result.columns, driftOptionsSchema.parse(driftOptions)));
    return { result, reference, current };
  } finally {
    if (!given) await db.close();
  }
}
