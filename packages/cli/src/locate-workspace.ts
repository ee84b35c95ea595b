import path from 'node:path';
import { findWorkspaceDir, MlpError } from '@mlp/core';

export interface LocatedWorkspace {
  /** The workspace folder commands work on. */
  dir: string;
  /** False when nothing names a workspace: no -C, no MLP_WORKSPACE, none found upwards, no database URL. */
  found: boolean;
}

/**
 * Where the command's workspace is: `-C`, else `MLP_WORKSPACE` (both taken as given), else the nearest
 * folder at or above the current one with `mlp.config.json` or `.mlp/` (as git finds `.git`), else the
 * current folder. A database URL in `MLP_DATABASE_URL` names a workspace too.
 */
export function locateWorkspace(
  io: { cwd: string; env: Record<string, string | undefined> },
  option: string | undefined,
): LocatedWorkspace {
  const explicit = option ?? (io.env.MLP_WORKSPACE || undefined);
  if (explicit !== undefined) return { dir: path.resolve(io.cwd, explicit), found: true };
  const discovered = findWorkspaceDir(io.cwd);
  if (discovered !== undefined) return { dir: discovered, found: true };
  return { dir: path.resolve(io.cwd), found: /^postgres(ql)?:\/\//.test(io.env.MLP_DATABASE_URL ?? '') };
}

export function noWorkspaceError(cwd: string): MlpError {
  return new MlpError(
    'FAILED_PRECONDITION',
    `No mlp workspace here: neither ${path.resolve(cwd)} nor a folder above it has mlp.config.json or .mlp/. ` +
      'Run `mlp init` to create one, or name one with -C/--workspace or MLP_WORKSPACE.',
  );
}
