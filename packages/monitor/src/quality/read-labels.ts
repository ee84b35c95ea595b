import path from 'node:path';
import { MlpError } from '@mlp/core';
import { openTabularDb, resolveTabularFormat, sqlIdentifier, tabularReadError, tabularScanSql } from '@mlp/core/tabular';
import type { GroundTruth } from './label-store.js';

export interface ReadLabelsOptions {
  /** The column holding request ids (`request_id`). */
  requestIdColumn?: string;
  /** The column holding the true values (`label`). */
  labelColumn?: string;
  /** A column with the labelled event's time (epoch ms or a timestamp); optional. */
  atColumn?: string;
  /** The file's format when its name does not tell (csv, tsv, parquet, jsonl, json). */
  format?: string;
}

/**
 * Reads labels from a file (CSV, TSV, Parquet, JSON lines, JSON) through core's tabular reader: one
 * row per label with a request id column and a label column. Rows without a label are left out and
 * counted.
 */
export async function readLabelsFile(file: string, options: ReadLabelsOptions = {}): Promise<{ truths: GroundTruth[]; skipped: number }> {
  const format = resolveTabularFormat(file, options.format);
  const idColumn = options.requestIdColumn ?? 'request_id';
  const labelColumn = options.labelColumn ?? 'label';
  const db = await openTabularDb();
  const connection = await db.connect();
  try {
    const scan = tabularScanSql(path.resolve(file), format);
    let described: { column_name: string; column_type: string }[];
    try {
      described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`)).getRowObjectsJS() as typeof described;
    } catch (error) {
      throw await tabularReadError(error, file, format);
    }
    const names = described.map((column) => column.column_name);
    for (const needed of [idColumn, labelColumn, ...(options.atColumn ? [options.atColumn] : [])]) {
      if (!names.includes(needed)) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `${file} has no column ${JSON.stringify(needed)} (it has ${names.join(', ')}): name the request id and label columns (--request-id-column, --label-column).`,
        );
      }
    }
    const labelType = described.find((column) => column.column_name === labelColumn)?.column_type ?? 'VARCHAR';
    const numeric = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(labelType);
    const label = numeric
      ? `${sqlIdentifier(labelColumn)}::DOUBLE`
      : labelType === 'BOOLEAN'
        ? sqlIdentifier(labelColumn)
        : `${sqlIdentifier(labelColumn)}::VARCHAR`;
    const atType = described.find((column) => column.column_name === options.atColumn)?.column_type ?? '';
    const at = options.atColumn
      ? /^TIMESTAMP|^DATE/.test(atType)
        ? `epoch_ms(${sqlIdentifier(options.atColumn)}::TIMESTAMP)::DOUBLE`
        : `${sqlIdentifier(options.atColumn)}::DOUBLE`
      : 'NULL::DOUBLE';
    const result = await connection.runAndReadAll(
      `SELECT ${sqlIdentifier(idColumn)}::VARCHAR AS id, ${label} AS label, ${at} AS at FROM ${scan}`,
    );
    const truths: GroundTruth[] = [];
    let skipped = 0;
    for (const row of result.getRowObjectsJS() as { id: string | null; label: string | number | boolean | null; at: number | null }[]) {
      if (row.id === null || row.id === '' || row.label === null || (typeof row.label === 'number' && !Number.isFinite(row.label))) {
        skipped += 1;
        continue;
      }
      truths.push({
        requestId: row.id,
        label: row.label,
        ...(row.at !== null && Number.isFinite(row.at) ? { at: Math.round(row.at) } : {}),
      });
    }
    return { truths, skipped };
  } catch (error) {
    if (MlpError.isInstance(error)) throw error;
    throw await tabularReadError(error, file, format);
  } finally {
    connection.closeSync();
    await db.close();
  }
}
