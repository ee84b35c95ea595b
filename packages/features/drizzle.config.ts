import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -w @mlp/features` writes SQL to drizzle/ and bundles it into src/generated/migrations.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/store/schema.ts', './src/online/online-schema.ts'],
  out: './drizzle',
});
