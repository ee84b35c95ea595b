import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -w @mlp/monitor` writes SQL to drizzle/ and bundles it into src/generated/migrations.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/store/schema.ts', './src/store/alert-schema.ts', './src/store/label-schema.ts', './src/store/monitor-schema.ts'],
  out: './drizzle',
});
