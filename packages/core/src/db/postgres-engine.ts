import type { DatabaseEngine } from './database.js';
import { maskUrl, openPoolDatabase } from './pool-database.js';

/** A PostgreSQL server reached by URL: the scale-out engine. */
export const postgresEngine: DatabaseEngine = {
  name: 'postgres',
  accepts: (url) => /^postgres(ql)?:\/\//.test(url),
  open: ({ url, applicationName }) =>
    openPoolDatabase({
      engine: 'postgres',
      displayUrl: maskUrl(url),
      connection: { connectionString: url, application_name: applicationName ?? 'mlp', connectionTimeoutMillis: 10_000 },
    }),
};
