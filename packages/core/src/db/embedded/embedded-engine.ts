import type { DatabaseEngine } from '../database.js';
import { openPoolDatabase } from '../pool-database.js';
import { leaseEmbeddedServer } from './embedded-server.js';

/** The zero-services default: a PostgreSQL server from npm-shipped binaries, kept in `.mlp/db`, shared by every process. */
export const embeddedEngine: DatabaseEngine = {
  name: 'embedded',
  accepts: (url) => url === 'embedded',
  async open({ stateDir, logger, applicationName }) {
    const lease = await leaseEmbeddedServer(stateDir, logger, applicationName ?? 'mlp');
    return openPoolDatabase({
      engine: 'embedded',
      displayUrl: `embedded (127.0.0.1:${lease.connection.port}, ${stateDir}/db)`,
      connection: lease.connection,
      onClose: lease.release,
    });
  },
};
