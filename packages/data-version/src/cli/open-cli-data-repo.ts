import path from 'node:path';
import type { CliContext } from '@mlp/cli';
import { type DataRepo, openDataRepo } from '../dvc/data-repo.js';
import { findProjectRoot } from '../dvc/find-project-root.js';

/** The project of the command: the nearest folder with `.dvc/`, `mlp.config.json` or `.mlp/`. */
export async function openCliDataRepo(context: CliContext): Promise<{ repo: DataRepo; resolve: (target: string) => string }> {
  const root = await findProjectRoot(context.workspaceDir);
  const repo = await openDataRepo({ root, logger: context.logger });
  // Paths are relative to -C when given, else to the current folder, as a shell user expects.
  const base = context.options.workspace === undefined ? process.cwd() : context.workspaceDir;
  return { repo, resolve: (target) => path.resolve(base, target) };
}
