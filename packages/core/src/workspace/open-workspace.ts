import { constants } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import { openBlobStore } from '../blobs/open-blob-store.js';
import type { WorkspaceSettings } from '../config/config-schema.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { Database } from '../db/database.js';
import { embeddedEngine } from '../db/embedded/embedded-engine.js';
import { applyMigrations, type MigrationSet } from '../db/migrations.js';
import { postgresEngine } from '../db/postgres-engine.js';
import { MlpError } from '../errors/mlp-error.js';
import { createPgEventBus } from '../events/pg-event-bus.js';
import { migrations as coreMigrations } from '../generated/migrations.js';
import { createConsoleLogger, type Logger } from '../logger/logger.js';
import { loadPluginModules } from '../plugins/load-plugin-modules.js';
import { createPluginRegistry, type PluginRegistry } from '../plugins/plugin-registry.js';
import { closeOnExit } from './close-on-exit.js';
import type { Workspace } from './workspace.js';

export type WorkspaceOptions = WorkspaceSettings & {
  logger?: Logger;
  /**
   * Extra engines, blob drivers and other plugins; they take precedence over the built-in ones. The
   * modules `mlp.config.json` lists under `plugins` are registered into it too (`workspace.plugins`).
   */
  plugins?: PluginRegistry;
  /** Package migrations to apply on open, after the core's own. */
  migrations?: readonly MigrationSet[];
  /** Name shown in `pg_stat_activity`, such as the command or service opening the workspace. */
  applicationName?: string;
};

/**
 * Opens the workspace: resolves configuration, connects the database (starting the embedded one
 * when needed), applies pending migrations, and opens the blob store. Bad configuration fails before
 * anything is created; a failure after that removes what this call created.
 */
export async function openWorkspace(options: WorkspaceOptions = {}): Promise<Workspace> {
  const { logger: injectedLogger, plugins = createPluginRegistry(), migrations = [], applicationName, ...settings } = options;
  const { config, warnings } = resolveConfig(settings);
  const logger = injectedLogger ?? createConsoleLogger({ level: config.logLevel });
  for (const warning of warnings) logger.warn(warning);

  await assertDirectory(config.dir);
  // Before the database and blob store: a plugin may be their engine or driver.
  await loadPluginModules(config.plugins, config.dir, config.configFile, plugins);
  const createdStateDir = await ensureStateDir(config.stateDir);

  let db: Database | undefined;
  try {
    const engine =
      plugins.find('databaseEngine', (candidate) => candidate.accepts(config.database.url)) ??
      [embeddedEngine, postgresEngine].find((candidate) => candidate.accepts(config.database.url));
    if (!engine)
      throw new MlpError('INVALID_ARGUMENT', `No database engine accepts ${config.database.url}; use "embedded" or a postgres:// URL.`);
    db = await engine.open({ url: config.database.url, stateDir: config.stateDir, logger, applicationName: applicationName ?? 'mlp' });
    const opened = db;
    for (const set of [coreMigrations, ...migrations]) await applyMigrations(opened, set);

    const blobContext = { baseDir: config.dir, s3: config.blobs.s3 };
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(config.blobs.url)?.[1]?.toLowerCase();
    const blobPlugin = scheme ? plugins.find('blobDriver', (candidate) => candidate.schemes.includes(scheme)) : undefined;
    const blobs = blobPlugin ? await blobPlugin.open(config.blobs.url, blobContext) : await openBlobStore(config.blobs.url, blobContext);
    const events = createPgEventBus(opened, logger);

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        try {
          await events.close();
          await blobs.close?.();
          await opened.close();
        } finally {
          forgetOnExit();
        }
      })();
      return closing;
    };
    const forgetOnExit = closeOnExit({ close });
    return {
      config,
      db: opened,
      blobs,
      events,
      logger,
      plugins,
      migrate: async (set) => {
        await applyMigrations(opened, set);
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await db?.close().catch(() => {});
    if (createdStateDir) await rm(config.stateDir, { recursive: true, force: true });
    throw error;
  }
}

async function assertDirectory(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new MlpError('NOT_FOUND', `The workspace folder ${dir} does not exist. Create it, or run \`mlp init\` there.`);
  }
  throw new MlpError('INVALID_ARGUMENT', `The workspace path ${dir} is not a folder.`);
}

/** Creates `.mlp/`; returns whether this call created it, so a failed open can remove it again. */
async function ensureStateDir(stateDir: string): Promise<boolean> {
  try {
    const created = (await mkdir(stateDir, { recursive: true })) !== undefined;
    await access(stateDir, constants.W_OK);
    return created;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new MlpError(
        'PERMISSION_DENIED',
        `Cannot write to ${stateDir} (${code}): the workspace folder is not writable. Fix its permissions or open a workspace elsewhere with -C/--workspace or MLP_WORKSPACE.`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
