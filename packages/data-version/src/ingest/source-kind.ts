import path from 'node:path';
import { MlpError } from '@mlp/core';
import { tabularFormatOf, tabularFormats } from '@mlp/core/tabular';
import type { TabularFormat } from '../catalog/catalog-model.js';

export type SourceKind = 'file' | 'http' | 's3' | 'postgres';

export function sourceKind(source: string): SourceKind {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') return 'file';
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 's3') return 's3';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  throw new MlpError(
    'INVALID_ARGUMENT',
    `Cannot ingest from ${scheme}:// sources: give a local path, an http(s):// URL, s3://bucket/key, or a postgres:// URL with a query.`,
  );
}

const byContentType: Record<string, TabularFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/json': 'json',
};

/** The format of downloaded bytes: the option, else the name (URL path or key), else the Content-Type. */
export function sourceFormat(name: string, contentType: string | undefined, explicit: TabularFormat | undefined): TabularFormat {
  if (explicit) return explicit;
  const fromName = tabularFormatOf(name);
  if (fromName) return fromName;
  const fromType = contentType ? byContentType[contentType.split(';')[0]?.trim().toLowerCase() ?? ''] : undefined;
  if (fromType) return fromType;
  throw new MlpError(
    'INVALID_ARGUMENT',
    `Cannot tell the format of ${name}${contentType ? ` (Content-Type ${contentType})` : ''}: pass sourceFormat (${tabularFormats.join(', ')}).`,
  );
}

/** The extension a staged copy of a source gets, so the readers treat it like the original (.tsv stays .tsv, .csv.gz stays .csv.gz). */
export function stagedExtension(name: string, format: TabularFormat): string {
  const extension = /(\.[a-z0-9]+(\.(gz|zst))?)$/.exec(path.basename(name).toLowerCase())?.[1] ?? '';
  return tabularFormatOf(`x${extension}`) === format ? extension : `.${format}`;
}

/** A URL safe to record: user name and password removed. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/[^@/]*@/, '://');
  }
}
