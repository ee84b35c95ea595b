import { z } from 'zod';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const databaseUrl = z.string().refine((url) => url === 'embedded' || /^postgres(ql)?:\/\//.test(url), {
  message: 'must be "embedded" or a postgres:// URL',
});

const blobsUrl = z.string().min(1, 'must not be empty');

const onlineStoreUrl = z.string().refine((url) => url === 'workspace' || /^rediss?:\/\//.test(url), {
  message: 'must be "workspace" or a redis:// URL',
});

// `.meta()` carries the docs: tools/docs generates docs/reference/configuration.md from these schemas
// (`x-env`: the variable that overrides the key; `default`: the value when nothing sets it).
export const s3SettingsSchema = z.strictObject({
  endpoint: z.url().optional().meta({
    description: 'The S3 endpoint, for MinIO, s3rver, R2 and other S3-compatible stores.',
    'x-env': 'MLP_S3_ENDPOINT',
    default: 'the AWS endpoint of the region',
  }),
  region: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'The S3 region.', 'x-env': 'MLP_S3_REGION', default: 'the AWS chain, else us-east-1' }),
  forcePathStyle: z.boolean().optional().meta({
    description: 'Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need.',
    'x-env': 'MLP_S3_FORCE_PATH_STYLE',
    default: false,
  }),
  accessKeyId: z.string().min(1).optional().meta({
    description: 'The access key; leave it out to use the standard AWS credential chain (`AWS_*` variables, profiles).',
    default: 'the AWS chain',
  }),
  secretAccessKey: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'The secret key that goes with `accessKeyId`.', default: 'the AWS chain' }),
});

/** The shape of `mlp.config.json`. Unknown keys are an error, so a typo never silently falls back to a default. */
export const configFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'A JSON Schema for editors; ignored by mlp.' }),
    database: z
      .strictObject({
        url: databaseUrl.optional().meta({
          description: '`embedded` (a PostgreSQL cluster in `.mlp/db`) or `postgres://user:pass@host:port/db`.',
          'x-env': 'MLP_DATABASE_URL',
          default: 'embedded',
        }),
      })
      .optional()
      .meta({ description: 'Where the metadata lives.' }),
    blobs: z
      .strictObject({
        url: blobsUrl.optional().meta({
          description: 'A folder (relative to the workspace), `file:///abs`, `memory://` or `s3://bucket/prefix`.',
          'x-env': 'MLP_BLOBS_URL',
          default: '.mlp/blobs',
        }),
        s3: s3SettingsSchema.optional().meta({ description: 'Settings of an `s3://` blob store.' }),
      })
      .optional()
      .meta({ description: 'Where artifacts, model packages and other blobs live.' }),
    logLevel: z.enum(logLevels).optional().meta({ description: 'How much the workspace logs.', 'x-env': 'MLP_LOG_LEVEL', default: 'info' }),
    plugins: z.array(z.string().min(1, 'must not be empty')).optional().meta({
      description:
        'Plugin modules every opener of the workspace loads (the CLI, `mlp server`, scripts): paths relative to the workspace folder (`./plugins/gcs.mjs`) or package names, each exporting `register(plugins)`.',
      default: [],
    }),
    pipelines: z.array(z.string().min(1, 'must not be empty')).optional().meta({
      description:
        'Pipeline modules (`.ts` or `.mjs`, default export) that `mlp server`, `mlp worker` and `mlp scheduler` record at start, so their schedules, triggers and HTTP route work before anyone ran them: paths relative to the workspace folder (`examples/flights-delay/pipeline.ts`). A module that is missing or fails to load stops the process.',
      default: [],
    }),
    features: z
      .strictObject({
        online: z
          .strictObject({
            url: onlineStoreUrl.optional().meta({
              description:
                '`@mlp/features`: where the online store keeps the latest values: `workspace` (the workspace database) or `redis://[user:pass@]host:port[/db]` (`rediss://` for TLS; needs the `ioredis` package).',
              'x-env': 'MLP_FEATURES_ONLINE_URL',
              default: 'workspace',
            }),
          })
          .optional()
          .meta({ description: 'The online store, which serving reads the latest feature values from.' }),
      })
      .optional()
      .meta({ description: 'Settings of `@mlp/features`.' }),
  })
  .meta({
    title: 'mlp.config.json',
    description: 'The workspace configuration file. Unknown keys are an error, so a typo never silently falls back to a default.',
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
