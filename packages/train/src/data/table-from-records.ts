import { MlpError } from '@mlp/core';
import type { Cell, Table } from './table.js';

function toCell(value: unknown, row: number, column: string): Cell {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    default:
      if (value instanceof Date) return value;
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Record ${row}, field ${JSON.stringify(column)}: ${describe(value)} is not a table value. Give a number, text, boolean, Date or null (flatten nested objects into columns).`,
        { details: { row, column } },
      );
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * A Table from plain records (a request body, rows built in code). `columns` picks and orders the
 * columns; by default every key of any record, in first-seen order. Absent fields are null.
 */
export function tableFromRecords(records: readonly Record<string, unknown>[], columns?: readonly string[]): Table {
  records.forEach((record, row) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Record ${row} is ${record === null ? 'null' : describe(record)}, not an object: give one object per row.`,
      );
    }
  });
  const names = columns ?? keysOf(records);
  const out = new Map<string, Cell[]>();
  for (const name of names) {
    const cells = new Array<Cell>(records.length);
    for (let row = 0; row < records.length; row++) cells[row] = toCell((records[row] as Record<string, unknown>)[name], row, name);
    out.set(name, cells);
  }
  return { rowCount: records.length, columns: out };
}

function keysOf(records: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) seen.add(key);
  return [...seen];
}
