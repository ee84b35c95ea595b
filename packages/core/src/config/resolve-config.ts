import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MlpError } from '../errors/mlp-error.js';
import {
  type ConfigFile,
  configFileSchema,
  type LogLevel,
  type ResolvedConfig,
  type WorkspaceSettings,
  workspaceOptionsSchema,
} from './config-schema.js';
import { readEnvSettings } from './env-settings.js';
import { formatZodIssues } from './format-zod-error.js';

export const CONFIG_FILE_NAME = 'mlp.config.json';
export const STATE_DIR_NAME = '.mlp';

export interface ResolvedConfigWithWarnings {
  config: ResolvedConfig;
  warnings: string[];
}

/**
 * Resolves settings in order of precedence: explicit options, `MLP_*` environment variables,
 * `mlp.config.json`, defaults. Pure apart from reading the config file: creates nothing.
 */
export function resolveConfig(options: WorkspaceSettings = {}): ResolvedConfigWithWarnings {
  // process.env is an exotic object zod's record check refuses; a plain copy is what we validate.
  const parsedOptions = workspaceOptionsSchema.safeParse(options.env ? { ...options, env: { ...options.env } } : options);
  if (!parsedOptions.success) {
    throw new MlpError('INVALID_ARGUMENT', `Invalid openWorkspace options: ${formatZodIssues(parsedOptions.error)}.`);
  }
  const opts = parsedOptions.data;
  const { settings: env, warnings } = readEnvSettings(opts.env ?? process.env);

  const dir = path.resolve(opts.dir ?? env.dir ?? process.cwd());
  const configFile = path.join(dir, CONFIG_FILE_NAME);
  const file = readConfigFile(configFile);

  const pick = <T>(option: T | undefined, fromEnv: T | undefined, fromFile: T | undefined, fallback: T) => {
    if (option !== undefined) return { value: option, source: 'option' as const };
    if (fromEnv !== undefined) return { value: fromEnv, source: 'env' as const };
    if (fromFile !== undefined) return { value: fromFile, source: 'file' as const };
    return { value: fallback, source: 'default' as const };
  };

  const stateDir = path.join(dir, STATE_DIR_NAME);
  const databaseUrl = pick(opts.database?.url, env.databaseUrl, file?.database?.url, 'embedded');
  const blobsUrl = pick(opts.blobs?.url, env.blobsUrl, file?.blobs?.url, path.join(STATE_DIR_NAME, 'blobs'));
  const logLevel = pick<LogLevel>(opts.logLevel, env.logLevel, file?.logLevel, 'info');

  return {
    config: {
      dir,
      stateDir,
      configFile,
      database: { url: databaseUrl.value },
      blobs: {
        url: blobsUrl.value,
        s3: { ...file?.blobs?.s3, ...env.s3, ...opts.blobs?.s3 },
      },
      logLevel: logLevel.value,
      plugins: file?.plugins ?? [],
      pipelines: file?.pipelines ?? [],
      features: { online: { url: file?.features?.online?.url } },
      sources: { 'database.url': databaseUrl.source, 'blobs.url': blobsUrl.source, logLevel: logLevel.source },
    },
    warnings,
  };
}

function readConfigFile(file: string): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MlpError('PERMISSION_DENIED', `Cannot read ${file}: ${(error as Error).message}. Check the file's permissions.`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${file} is not valid JSON: ${(error as Error).message}. Fix the file or delete it to use the defaults.`,
      {
        cause: error,
        details: { file },
      },
    );
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${file} is invalid: ${formatZodIssues(parsed.error)}. See docs/configuration.md for the settings.`,
      {
        details: { file, issues: parsed.error.issues },
      },
    );
  }
  return parsed.data;
}
