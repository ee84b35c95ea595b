import { MlpError } from '../errors/mlp-error.js';
import { type LogLevel, logLevels, type S3Settings } from './config-schema.js';

/** The `MLP_*` variables the core reads. Other packages read their own, so unknown names are not errors. */
export const coreEnvVariables = [
  'MLP_WORKSPACE',
  'MLP_DATABASE_URL',
  'MLP_BLOBS_URL',
  'MLP_S3_ENDPOINT',
  'MLP_S3_REGION',
  'MLP_S3_FORCE_PATH_STYLE',
  'MLP_LOG_LEVEL',
] as const;

export interface EnvSettings {
  dir?: string;
  databaseUrl?: string;
  blobsUrl?: string;
  logLevel?: LogLevel;
  s3: S3Settings;
}

export function readEnvSettings(env: Record<string, string | undefined>): { settings: EnvSettings; warnings: string[] } {
  const value = (name: (typeof coreEnvVariables)[number]) => {
    const raw = env[name];
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const invalid = (name: string, raw: string, expected: string) =>
    new MlpError('INVALID_ARGUMENT', `${name}=${JSON.stringify(raw)} is not valid: ${expected}. Fix or unset the variable.`, {
      details: { variable: name },
    });

  const settings: EnvSettings = { s3: {} };
  settings.dir = value('MLP_WORKSPACE');

  const databaseUrl = value('MLP_DATABASE_URL');
  if (databaseUrl !== undefined && databaseUrl !== 'embedded' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw invalid('MLP_DATABASE_URL', databaseUrl, 'expected "embedded" or a postgres:// URL');
  }
  settings.databaseUrl = databaseUrl;
  settings.blobsUrl = value('MLP_BLOBS_URL');

  const logLevel = value('MLP_LOG_LEVEL');
  if (logLevel !== undefined && !(logLevels as readonly string[]).includes(logLevel)) {
    throw invalid('MLP_LOG_LEVEL', logLevel, `expected one of ${logLevels.join(', ')}`);
  }
  settings.logLevel = logLevel as LogLevel | undefined;

  const endpoint = value('MLP_S3_ENDPOINT');
  if (endpoint !== undefined) {
    if (!URL.canParse(endpoint)) throw invalid('MLP_S3_ENDPOINT', endpoint, 'expected a URL such as http://127.0.0.1:9000');
    settings.s3.endpoint = endpoint;
  }
  const region = value('MLP_S3_REGION');
  if (region !== undefined) settings.s3.region = region;
  const pathStyle = value('MLP_S3_FORCE_PATH_STYLE');
  if (pathStyle !== undefined) {
    if (!['true', 'false', '1', '0'].includes(pathStyle)) throw invalid('MLP_S3_FORCE_PATH_STYLE', pathStyle, 'expected true or false');
    settings.s3.forcePathStyle = pathStyle === 'true' || pathStyle === '1';
  }

  return { settings, warnings: typoWarnings(env) };
}

/** Names one edit or two away from a core variable are almost surely typos: say so rather than ignore them. */
function typoWarnings(env: Record<string, string | undefined>): string[] {
  const known = new Set<string>(coreEnvVariables);
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('MLP_') || known.has(name)) continue;
    const near = coreEnvVariables.find((candidate) => editDistance(name, candidate) <= 2);
    if (near) warnings.push(`Environment variable ${name} is not used by mlp; did you mean ${near}?`);
  }
  return warnings;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
