import type { CliServiceName, CliServices, ErrorCode, Logger, LogLevel, MigrationSet, Workspace } from '@mlp/core';
import type { Command } from 'commander';
import type { TextTable } from './output.js';
import type { ProgressDisplay } from './progress-display.js';

/** The options every command shares, parsed from the command line and the environment. */
export interface GlobalOptions {
  /** Machine output: one JSON document on stdout. */
  json: boolean;
  /** The workspace folder given with `-C/--workspace`, or undefined (then `MLP_WORKSPACE`, then the current folder). */
  workspace: string | undefined;
  /** `--log-level`, when given. */
  logLevel: LogLevel | undefined;
}

export interface OpenWorkspaceOptions {
  /** Name shown in `pg_stat_activity`; defaults to `mlp <command>`. */
  applicationName?: string;
}

/** What a command's action gets from the CLI: the global options, the workspace, and the ways to talk to the user. */
export interface CliContext {
  /** The global options; read them inside an action (they are parsed by then). */
  readonly options: GlobalOptions;
  /** The absolute workspace folder the command works on (`-C`, then `MLP_WORKSPACE`, then the current folder). */
  readonly workspaceDir: string;
  /** The environment the CLI runs in (process.env unless a test injects another). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Logs to stderr, at `--log-level` (or `MLP_LOG_LEVEL`, the config file's level, else `warn`). */
  readonly logger: Logger;
  /** Every command module's migrations, so a command that checks or applies them sees all packages'. */
  readonly migrations: readonly MigrationSet[];
  /**
   * Opens the workspace once, lazily, applying every module's migrations; later calls return the same
   * workspace. The CLI closes it after the action: commands never close it themselves.
   */
  openWorkspace(options?: OpenWorkspaceOptions): Promise<Workspace>;
  /**
   * The command's result: `human` (text, or a table) without `--json`, `json` with it. Under `--json`
   * only the last call's value is printed, once the action has succeeded, so stdout holds one document.
   */
  output(human: string | TextTable, json: unknown): void;
  /** A live status line on stderr for long work (`display.status`): only on a terminal, never under `--json`. */
  progress(message: string): void;
  /**
   * Progress on stderr for long work: `line` prints a line that stays (a finished trial; plain in a pipe),
   * `status` redraws the live block at the bottom of a terminal, `counter` shows bytes or rows with a
   * rate and ETA (`const rows = context.display.counter('predicting', { total }); rows.add(n); rows.done()`).
   * Nothing is shown under `--json`; the block is cleared before the result is printed.
   */
  readonly display: ProgressDisplay;
  /** Ends the command with an error: printed as `error [CODE]: message`, exit code from the error table. */
  fail(error: unknown): never;
  fail(code: ErrorCode, message: string): never;
  /** Sets the exit code without failing (a report such as `doctor` that found problems). */
  setExitCode(code: number): void;
  /**
   * What another installed module provides under `name` (see `CliCommandModule.services`), created once
   * per command; undefined when no installed module provides it. How `mlp train` reads dataset
   * versions without depending on the data-version package. Typed by `CliServices` of `@mlp/core`: an
   * unknown name is a type error.
   */
  service<K extends CliServiceName>(name: K): Promise<CliServices[K] | undefined>;
  /**
   * Closes `resource` when the command ends (before the workspace), whether it succeeded or failed;
   * returns it. For what a command opens on the workspace: `context.closeAfter(await openRegistry(workspace))`.
   */
  closeAfter<T extends { close(): Promise<void> }>(resource: T): T;
}

/** Factories of the services a module offers, by name; each must build what `CliServices` declares under its name. */
export type CliServiceFactories = { readonly [K in CliServiceName]?: (context: CliContext) => Promise<CliServices[K]> };

/**
 * A package's commands. The CLI calls `register` once with the root program; the module adds its
 * commands (`program.command('tracking')...`) and uses `context` inside their actions.
 */
export interface CliCommandModule {
  /** Unique among the modules: the package or area it serves (`core`, `tracking`). */
  name: string;
  /** Migrations its commands need; applied whenever a command opens the workspace, checked by `doctor`. */
  migrations?: readonly MigrationSet[];
  /** Objects this module offers other modules' commands, by name (`datasetCatalog`), built on first use. */
  services?: CliServiceFactories;
  register(program: Command, context: CliContext): void;
}
