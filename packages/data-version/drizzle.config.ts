import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate && node ../../tools/scripts/bundle-migrations.mjs .` (from this folder) writes
// SQL to drizzle/ and bundles it into src/generated/migrations.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/catalog/schema.ts'],
  out: './drizzle',
});
