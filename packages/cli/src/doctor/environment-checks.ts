import { existsSync, statSync } from 'node:fs';
import { type ResolvedConfig, resolveConfig } from '@mlp/core';
import { type DoctorCheck, reason } from './doctor-check.js';

export const MIN_NODE_MAJOR = 20;

export function checkNode(version: string = process.versions.node): DoctorCheck {
  const major = Number(version.split('.')[0]);
  const ok = major >= MIN_NODE_MAJOR;
  return {
    name: 'node',
    ok,
    required: true,
    detail: ok ? `v${version}` : `v${version} is too old: mlp needs Node.js ${MIN_NODE_MAJOR} or newer. Upgrade Node.js.`,
    info: { version },
  };
}

/** Resolves the configuration as `openWorkspace` would, reporting a bad file or variable instead of throwing. */
export function checkConfig(dir: string, env: Record<string, string | undefined>): { check: DoctorCheck; config?: ResolvedConfig } {
  try {
    const { config, warnings } = resolveConfig({ dir, env });
    const fromFile = existsSync(config.configFile);
    const sources = Object.entries(config.sources)
      .map(([key, source]) => `${key} from ${source}`)
      .join(', ');
    const detail = [
      `${fromFile ? `${config.configFile} is valid` : `no ${config.configFile}: defaults in use`} (${sources})`,
      ...warnings,
    ].join('; ');
    return {
      check: {
        name: 'config',
        ok: true,
        required: true,
        detail,
        info: { file: fromFile ? config.configFile : null, sources: config.sources, warnings },
      },
      config,
    };
  } catch (error) {
    return { check: { name: 'config', ok: false, required: true, detail: reason(error) } };
  }
}

export function checkWorkspaceFolder(config: ResolvedConfig): DoctorCheck {
  let isFolder: boolean;
  try {
    isFolder = statSync(config.dir).isDirectory();
  } catch {
    return {
      name: 'workspace',
      ok: false,
      required: true,
      detail: `${config.dir} does not exist. Run \`mlp init\` there, or pass -C/--workspace.`,
    };
  }
  if (!isFolder) return { name: 'workspace', ok: false, required: true, detail: `${config.dir} is not a folder.` };
  return { name: 'workspace', ok: true, required: true, detail: config.dir };
}
