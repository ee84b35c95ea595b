import path from 'node:path';
import { MlpError } from '@mlp/core';

/** The `MLP_*` variables the registry reads when its options leave a setting out (how `mlp server` is configured). */
export const registryEnvVariables = {
  /** Folders on the server that REST callers may register from, separated like PATH (`:`; `;` on Windows). */
  sourceFolders: 'MLP_REGISTRY_SOURCE_FOLDERS',
  /** Networks webhooks may target although private, loopback or link-local: comma-separated CIDRs or addresses. */
  webhookAllowedNetworks: 'MLP_REGISTRY_WEBHOOK_ALLOWED_NETWORKS',
} as const;

export interface RegistrySettings {
  sourceFolders: string[];
  webhookAllowedNetworks: string[];
}

function list(raw: string | undefined, separator: string): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Explicit options, then environment variables, then nothing allowed. */
export function resolveRegistrySettings(
  options: { sourceFolders?: readonly string[]; webhookAllowedNetworks?: readonly string[] },
  env: Readonly<Record<string, string | undefined>>,
): RegistrySettings {
  const sourceFolders = [...(options.sourceFolders ?? list(env[registryEnvVariables.sourceFolders], path.delimiter) ?? [])];
  for (const folder of sourceFolders) {
    if (!path.isAbsolute(folder)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Registry source folder ${JSON.stringify(folder)} is not absolute: give each allowed folder as an absolute path.`,
      );
    }
  }
  const webhookAllowedNetworks = [...(options.webhookAllowedNetworks ?? list(env[registryEnvVariables.webhookAllowedNetworks], ',') ?? [])];
  return { sourceFolders: sourceFolders.map((folder) => path.resolve(folder)), webhookAllowedNetworks };
}
