import type { BlobStore } from '../blobs/blob-store.js';
import type { ResolvedConfig } from '../config/config-schema.js';
import type { Database } from '../db/database.js';
import type { MigrationSet } from '../db/migrations.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger/logger.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';

/** Everything a domain package needs, opened once and passed to its factory. */
export interface Workspace {
  readonly config: ResolvedConfig;
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly plugins: PluginRegistry;
  /** Applies a package's pending migrations (idempotent, safe across processes). */
  migrate(set: MigrationSet): Promise<void>;
  /** Releases every handle: subscriptions, pool, blob store, and the embedded server when last out. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
