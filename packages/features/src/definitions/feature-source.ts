import { z } from 'zod';

// Where a feature view's rows come from. A PostgreSQL source without `url` is the workspace's database.

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
  .optional()
  .describe('another PostgreSQL server; the workspace database when omitted');

export const featureSourceSchema = z.union([
  z.strictObject({
    dataset: z.string().regex(/^[^@\s]+@[^@\s]+$/, "must name a dataset version, such as 'flights@3' or 'flights@latest'"),
  }),
  z.strictObject({
    table: z.string().regex(/^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/, 'must be a table name, optionally schema.table'),
    url: postgresUrl,
  }),
  z.strictObject({ query: z.string().min(1).max(100_000), url: postgresUrl }),
]);

/** A dataset version (`{ dataset: 'flights@3' }`), a table, or a SQL query, on the workspace's or another PostgreSQL. */
export type FeatureSource = z.infer<typeof featureSourceSchema>;

export type FeatureSourceKind = 'dataset' | 'table' | 'query';

export function sourceKind(source: FeatureSource): FeatureSourceKind {
  return 'dataset' in source ? 'dataset' : 'table' in source ? 'table' : 'query';
}

/** The source as a person reads it, with any password in a URL masked. */
export function describeSource(source: FeatureSource): string {
  if ('dataset' in source) return `dataset ${source.dataset}`;
  const where = source.url ? ` on ${source.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}` : '';
  return 'table' in source ? `table ${source.table}${where}` : `query${where}`;
}
