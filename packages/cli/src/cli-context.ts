import {
  type ErrorCode,
  type Logger,
  type LogLevel,
  type MigrationSet,
  MlpError,
  openWorkspace,
  resolveConfig,
  toMlpError,
  type Workspace,
} from '@mlp/core';
import { createCliLogger } from './cli-logger.js';
import type { CliContext, GlobalOptions, OpenWorkspaceOptions } from './command-module.js';
import { locateWorkspace, noWorkspaceError } from './locate-workspace.js';
import type { CliStream, Output } from './output.js';

/** The process around the CLI; injectable so tests run it in-process. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliContextOptions {
  io: CliIo;
  output: Output;
  /** The parsed global options; called only once parsing is done. */
  globalOptions: () => GlobalOptions;
  migrations: readonly MigrationSet[];
  /** Every module's service factories, by name. */
  services?: ReadonlyMap<string, (context: CliContext) => Promise<unknown>>;
}

/** The context commands see, plus what only the CLI itself uses. */
export interface CliContextController {
  context: CliContext;
  /** Set by the CLI before the action runs: `mlp init`, `mlp tracking runs list`. */
  commandName: string;
  exitCode: number | undefined;
  /** Closes the workspace if a command opened it. */
  close(): Promise<void>;
}

/** Level for the CLI's logs: `--log-level`, else `MLP_LOG_LEVEL` or the config file's level, else `warn`. */
export function resolveCliLogLevel(options: GlobalOptions, dir: string, env: Record<string, string | undefined>): LogLevel {
  if (options.logLevel) return options.logLevel;
  try {
    const { config } = resolveConfig({ dir, env });
    return config.sources.logLevel === 'default' ? 'warn' : config.logLevel;
  } catch {
    return 'warn'; // the command that reads the configuration reports the problem
  }
}

export function createCliContext(options: CliContextOptions): CliContextController {
  const { io, output } = options;
  let workspace: Promise<Workspace> | undefined;
  let logger: Logger | undefined;
  const services = new Map<string, Promise<unknown>>();
  const owned: Array<{ close(): Promise<void> }> = [];

  const workspaceDir = () => locateWorkspace(io, options.globalOptions().workspace).dir;

  function fail(error: unknown, message?: string): never {
    if (typeof error === 'string' && message !== undefined) throw new MlpError(error as ErrorCode, message);
    throw toMlpError(error);
  }

  const controller: CliContextController = {
    commandName: 'mlp',
    exitCode: undefined,
    context: {
      get options() {
        return options.globalOptions();
      },
      get workspaceDir() {
        return workspaceDir();
      },
      env: io.env,
      get logger() {
        const globals = options.globalOptions();
        logger ??= createCliLogger({
          level: resolveCliLogLevel(globals, workspaceDir(), io.env),
          stderr: output.display.stream,
          json: globals.json,
        });
        return logger;
      },
      migrations: options.migrations,
      openWorkspace(openOptions: OpenWorkspaceOptions = {}) {
        const located = locateWorkspace(io, options.globalOptions().workspace);
        // Only `mlp init` creates a workspace (it writes mlp.config.json before opening): a command run
        // outside any workspace must not leave a new .mlp/ behind.
        if (!located.found) return Promise.reject(noWorkspaceError(io.cwd));
        workspace ??= openWorkspace({
          dir: located.dir,
          env: io.env,
          logger: controller.context.logger,
          migrations: options.migrations,
          applicationName: openOptions.applicationName ?? controller.commandName,
        });
        return workspace;
      },
      output: (human, json) => output.result(human, json),
      progress: (message) => output.progress(message),
      display: output.display,
      fail,
      setExitCode(code) {
        controller.exitCode = code;
      },
      service(name) {
        const create = options.services?.get(name);
        if (!create) return Promise.resolve(undefined);
        if (!services.has(name)) services.set(name, create(controller.context));
        // The factory registered under `name` builds `CliServices[name]` (checked where modules declare it).
        return services.get(name) as never;
      },
      closeAfter(resource) {
        owned.push(resource);
        return resource;
      },
    },
    async close() {
      const opening = workspace;
      workspace = undefined;
      services.clear();
      try {
        // What commands opened on the workspace goes first, newest first.
        for (const resource of owned.splice(0).reverse()) await resource.close();
      } finally {
        const opened = await opening?.catch(() => undefined);
        await opened?.close();
      }
    },
  };
  return controller;
}
