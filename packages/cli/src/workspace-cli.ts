import type { CliCommandModule } from './command-module.js';
import { runBuiltCli } from './run-built-cli.js';
import { type CapturedRun, runCliCaptured, withoutMlpVariables } from './run-cli-captured.js';

export interface WorkspaceCliOptions {
  /** The workspace folder: `mlp -C` and the working folder. */
  dir: string;
  /** Its database, as `MLP_DATABASE_URL`. */
  databaseUrl: string;
  /** Run in this process with these command modules; left out, the built `mlp` in a child process. */
  modules?: readonly CliCommandModule[];
  /** More variables (`MLP_FEATURES_ONLINE_URL`, ...). */
  env?: Record<string, string | undefined>;
}

/**
 * `mlp` on one workspace, as a package's integration tests run their commands: `-C dir`, the host's
 * `MLP_*` settings left out so they never leak in, the workspace's database. Returns `mlp(...args)`.
 */
export function workspaceCli(options: WorkspaceCliOptions): (...args: string[]) => Promise<CapturedRun> {
  const { dir, modules } = options;
  const env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: options.databaseUrl, ...options.env };
  return (...args) => {
    const all = ['-C', dir, ...args];
    return modules ? runCliCaptured(all, { modules, cwd: dir, env }) : runBuiltCli(all, { cwd: dir, env });
  };
}
