import { runCli } from './cli.js';
import type { CliCommandModule } from './command-module.js';
import { type JsonConventionOptions, jsonConventionViolations } from './json-convention.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CapturedRunOptions {
  modules: readonly CliCommandModule[];
  /** The command's working folder. */
  cwd: string;
  /** Its environment; `process.env` without any `MLP_*` variable by default, so the host's settings never leak in. */
  env?: Record<string, string | undefined>;
}

/** Runs `mlp` in this process with `modules`, capturing what it prints: how packages test their commands. */
export async function runCliCaptured(args: readonly string[], options: CapturedRunOptions): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    modules: [...options.modules],
    io: {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: options.env ?? withoutMlpVariables(process.env),
      cwd: options.cwd,
    },
  });
  return { code, stdout, stderr };
}

export function withoutMlpVariables(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('MLP_')));
}

export interface ParseJsonOutputOptions extends JsonConventionOptions {
  /** `false` for a document that is not ours to shape (Kubernetes objects from `mlp deploy render`). */
  convention?: boolean;
}

/**
 * What a `--json` run printed: exactly one JSON document on stdout, following the CLI's convention
 * (docs/cli-json.md: snake_case keys, epoch-ms times); otherwise an error showing what is wrong.
 */
export function parseJsonOutput<T>(run: CapturedRun, options: ParseJsonOutputOptions = {}): T {
  let document: unknown;
  try {
    document = JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  const problems = options.convention === false ? [] : jsonConventionViolations(document, options);
  if (problems.length > 0) throw new Error(`The --json document breaks the convention of docs/cli-json.md:\n${problems.join('\n')}`);
  return document as T;
}
