import { MlpError } from '@mlp/core';
import { z } from 'zod';
import type { Suite } from './suite.js';
import { defineSuite } from './suite-builder.js';

interface ZodCheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  pattern?: RegExp;
}

interface FieldFacts {
  nullable: boolean;
  base: z.ZodType;
}

function unwrap(schema: z.ZodType): FieldFacts {
  let current = schema;
  let nullable = false;
  for (;;) {
    const def = current.def as { type: string; innerType?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly') && def.innerType) {
      if (def.type !== 'readonly') nullable = true;
      current = def.innerType;
      continue;
    }
    return { nullable, base: current };
  }
}

function checksOf(schema: z.ZodType): ZodCheckDef[] {
  const checks = (schema.def as { checks?: { _zod: { def: ZodCheckDef } }[] }).checks ?? [];
  return checks.map((check) => check._zod.def);
}

/**
 * A suite from a zod object schema of one row: each field gives its type, not-null (unless optional
 * or nullable), bounds, lengths, regexes and enum sets. The row schema a service already has becomes
 * the data contract of its table.
 */
export function suiteFromZod(name: string, rowSchema: z.ZodObject, options: { exactColumns?: boolean } = {}): Suite {
  if (!(rowSchema instanceof z.ZodObject)) {
    throw new MlpError('INVALID_ARGUMENT', 'suiteFromZod needs a z.object() describing one row.');
  }
  const builder = defineSuite(name, { description: `Derived from a zod row schema` });
  const columns = Object.keys(rowSchema.shape);
  builder.expect('expectTableColumnsToMatchSet', { columnSet: columns, exactMatch: options.exactColumns ?? false });
  for (const [column, field] of Object.entries(rowSchema.shape) as [string, z.ZodType][]) {
    const { nullable, base } = unwrap(field);
    if (!nullable) builder.expect('expectColumnValuesToNotBeNull', { column });
    const type = base.def.type as string;
    const checks = checksOf(base);
    if (type === 'number') {
      const integer = checks.some((check) => check.check === 'number_format' && /int/.test(check.format ?? ''));
      builder.expect('expectColumnValuesToBeOfType', { column, type: integer ? 'integer' : 'number' });
      const lower = checks.find((check) => check.check === 'greater_than');
      const upper = checks.find((check) => check.check === 'less_than');
      if (lower || upper) {
        builder.expect('expectColumnValuesToBeBetween', {
          column,
          minValue: (lower?.value as number | undefined) ?? null,
          maxValue: (upper?.value as number | undefined) ?? null,
          strictMin: lower ? !lower.inclusive : false,
          strictMax: upper ? !upper.inclusive : false,
        });
      }
    } else if (type === 'string') {
      builder.expect('expectColumnValuesToBeOfType', { column, type: 'string' });
      const min = checks.find((check) => check.check === 'min_length')?.minimum;
      const max = checks.find((check) => check.check === 'max_length')?.maximum;
      const exact = checks.find((check) => check.check === 'length_equals')?.length;
      if (exact !== undefined) builder.expect('expectColumnValueLengthsToEqual', { column, value: exact });
      else if (min !== undefined || max !== undefined) {
        builder.expect('expectColumnValueLengthsToBeBetween', { column, minValue: min ?? null, maxValue: max ?? null });
      }
      for (const check of checks) {
        if (check.check === 'string_format' && check.format === 'regex' && check.pattern) {
          builder.expect('expectColumnValuesToMatchRegex', { column, regex: check.pattern.source });
        }
      }
    } else if (type === 'boolean') {
      builder.expect('expectColumnValuesToBeOfType', { column, type: 'boolean' });
    } else if (type === 'date') {
      builder.expect('expectColumnValuesToBeOfType', { column, type: 'timestamp' });
    } else if (type === 'enum') {
      builder.expect('expectColumnValuesToBeInSet', {
        column,
        valueSet: Object.values((base.def as unknown as { entries: Record<string, string | number> }).entries),
      });
    } else if (type === 'literal') {
      builder.expect('expectColumnValuesToBeInSet', {
        column,
        valueSet: [...(base.def as unknown as { values: (string | number | boolean)[] }).values],
      });
    }
  }
  return builder.build();
}
