import { MlpError } from '@mlp/core';
import type { ExpectationResult } from '../result/validation-result.js';
import type { Expectation } from '../suite/suite.js';
import type { ColumnInfo } from '../values.js';
import { withinBounds } from './judge.js';

const countBounds = (args: Record<string, unknown>) => ({
  min: (args.minValue as number | null | undefined) ?? undefined,
  max: (args.maxValue as number | null | undefined) ?? undefined,
  strictMin: false,
  strictMax: false,
});

/** Table-level expectations need only the row count and the columns, so both engines share this code. */
export function tableResult(base: ExpectationResult, expectation: Expectation, rowCount: number, columns: ColumnInfo[]): ExpectationResult {
  const args = expectation.args;
  const names = columns.map((column) => column.name);
  switch (expectation.type) {
    case 'expectTableRowCountToBeBetween':
      return { ...base, success: withinBounds(rowCount, countBounds(args)), observedValue: rowCount };
    case 'expectTableRowCountToEqual':
      return { ...base, success: rowCount === args.value, observedValue: rowCount };
    case 'expectTableColumnCountToBeBetween':
      return { ...base, success: withinBounds(names.length, countBounds(args)), observedValue: names.length };
    case 'expectTableColumnCountToEqual':
      return { ...base, success: names.length === args.value, observedValue: names.length };
    case 'expectTableColumnsToMatchSet': {
      const expected = new Set(args.columnSet as string[]);
      const actual = new Set(names);
      const missing = [...expected].filter((name) => !actual.has(name));
      const unexpected = [...actual].filter((name) => !expected.has(name));
      const success = missing.length === 0 && (!args.exactMatch || unexpected.length === 0);
      const result: ExpectationResult = { ...base, success, observedValue: names };
      if (!success) result.message = describeDifference(missing, args.exactMatch ? unexpected : []);
      return result;
    }
    case 'expectTableColumnsToMatchOrderedList': {
      const expected = args.columnList as string[];
      const success = expected.length === names.length && expected.every((name, i) => names[i] === name);
      return { ...base, success, observedValue: names };
    }
    case 'expectColumnToExist': {
      const index = names.indexOf(args.column as string);
      const success = index !== -1 && (args.columnIndex === undefined || index === args.columnIndex);
      const result: ExpectationResult = { ...base, success, observedValue: index === -1 ? null : index };
      if (index === -1) result.message = `Column "${args.column}" does not exist; the columns are ${names.join(', ') || '(none)'}.`;
      return result;
    }
    default:
      throw new MlpError('INTERNAL', `${expectation.type} is not a table expectation.`);
  }
}

function describeDifference(missing: string[], unexpected: string[]): string {
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
  if (unexpected.length > 0) parts.push(`unexpected ${unexpected.join(', ')}`);
  return `Columns differ: ${parts.join('; ')}.`;
}
