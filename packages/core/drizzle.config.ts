import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -w @mlp/core` writes SQL to drizzle/ and bundles it into src/generated/migrations.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/events/events-schema.ts'],
  out: './drizzle',
});
