import { z } from 'zod';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const databaseUrl = z.string().refine((url) => url === 'embedded' || /^postgres(ql)?:\/\//.test(url), {
  message: 'must be "embedded" or a postgres:// URL',
});

const blobsUrl = z.string().min(1, 'must not be empty');

const onlineStoreUrl = z.string().refine((url) => url === 'workspace' || /^rediss?:\/\//.test(url), {
  message: 'must be "workspace" or a redis:// URL',
});

export const s3SettingsSchema = z.strictObject({
  endpoint: z.url().optional(),
  region: z.string().min(1).optional(),
  forcePathStyle: z.boolean().optional(),
  accessKeyId: z.string().min(1).optional(),
  secretAccessKey: z.string().min(1).optional(),
});

/** The shape of `mlp.config.json`. Unknown keys are an error, so a typo never silently falls back to a default. */
export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  database: z.strictObject({ url: databaseUrl.optional() }).optional(),
  blobs: z.strictObject({ url: blobsUrl.optional(), s3: s3SettingsSchema.optional() }).optional(),
  logLevel: z.enum(logLevels).optional(),
  /**
   * Plugin modules every opener of the workspace loads (the CLI, `mlp server`, scripts): paths relative
   * to the workspace folder (`./plugins/gcs.mjs`) or package names, each exporting `register(plugins)`.
   */
  plugins: z.array(z.string().min(1, 'must not be empty')).optional(),
  /**
   * Pipeline modules (`.ts` or `.mjs`, default export) that `mlp server`, `mlp worker` and `mlp scheduler`
   * record at start, so their schedules, triggers and HTTP route work before anyone ran them: paths
   * relative to the workspace folder (`examples/flights-delay/pipeline.ts`).
   */
  pipelines: z.array(z.string().min(1, 'must not be empty')).optional(),
  /** `@mlp/features`: where the online store keeps the latest values, `workspace` (the database) or a `redis://` URL. */
  features: z.strictObject({ online: z.strictObject({ url: onlineStoreUrl.optional() }).optional() }).optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type LogLevel = (typeof logLevels)[number];
export type S3Settings = z.infer<typeof s3SettingsSchema>;

/** Options accepted by `openWorkspace`: the same settings as the file, plus where the workspace is. */
export const workspaceOptionsSchema = z.strictObject({
  dir: z.string().min(1).optional(),
  database: z.strictObject({ url: databaseUrl.optional() }).optional(),
  blobs: z.strictObject({ url: blobsUrl.optional(), s3: s3SettingsSchema.optional() }).optional(),
  logLevel: z.enum(logLevels).optional(),
  /** Read `MLP_*` variables from here instead of `process.env` (tests, embedding). */
  env: z.record(z.string(), z.string().optional()).optional(),
});

export type WorkspaceSettings = z.infer<typeof workspaceOptionsSchema>;

export interface ResolvedConfig {
  /** Absolute workspace root: where `mlp.config.json` lives. */
  dir: string;
  /** Absolute path of the state folder (`<dir>/.mlp`). */
  stateDir: string;
  /** Absolute path of the config file, whether or not it exists. */
  configFile: string;
  database: { url: string };
  blobs: { url: string; s3: S3Settings };
  logLevel: LogLevel;
  /** Plugin modules from `mlp.config.json`, as written there (loaded by `openWorkspace`). */
  plugins: string[];
  /** Pipeline modules from `mlp.config.json`, as written there (recorded by the long-running `mlp` processes). */
  pipelines: string[];
  /** `features.online.url` from `mlp.config.json`, as written there (`@mlp/features` reads its variable over it). */
  features: { online: { url: string | undefined } };
  /** Where each setting came from, for `mlp doctor`. */
  sources: Record<'database.url' | 'blobs.url' | 'logLevel', 'option' | 'env' | 'file' | 'default'>;
}
