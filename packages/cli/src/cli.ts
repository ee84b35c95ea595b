import { logLevels, type MigrationSet } from '@mlp/core';
import { Command, CommanderError, Option } from 'commander';
import { type CliContextController, type CliIo, createCliContext } from './cli-context.js';
import { describeFailure, isCommanderDone } from './cli-failure.js';
import type { CliCommandModule, CliContext, GlobalOptions } from './command-module.js';
import { coreCommands } from './commands/core-commands.js';
import { createOutput, type Output } from './output.js';
import { cliVersion } from './version.js';

export interface CliOptions {
  /** Command modules to add after the core's own (`init`, `doctor`). */
  modules?: readonly CliCommandModule[];
  /** The process streams, environment and folder; process's own by default. */
  io?: Partial<CliIo>;
  /** Shown by `--version`; this package's version by default. */
  version?: string;
}

export interface Cli {
  /** The commander program, with every module's commands registered. */
  readonly program: Command;
  /** Parses the user's arguments (without `node` and the script), runs the command, and returns the exit code. Call once. */
  run(args: readonly string[]): Promise<number>;
}

/** Builds the `mlp` program from command modules: the core's first, then the given ones, in order. */
export function createCli(options: CliOptions = {}): Cli {
  const io: CliIo = {
    stdout: options.io?.stdout ?? process.stdout,
    stderr: options.io?.stderr ?? process.stderr,
    // A plain copy: core's options schema rejects process.env itself (not a plain object to zod).
    env: options.io?.env ?? { ...process.env },
    cwd: options.io?.cwd ?? process.cwd(),
  };
  const modules = uniqueModules([coreCommands, ...(options.modules ?? [])]);
  const version = options.version ?? cliVersion();

  const program = new Command('mlp');
  let jsonFromArgs = false;
  const globalOptions = (): GlobalOptions => {
    const opts = program.opts<{ json?: boolean; workspace?: string; logLevel?: GlobalOptions['logLevel'] }>();
    return { json: Boolean(opts.json) || jsonFromArgs, workspace: opts.workspace, logLevel: opts.logLevel };
  };
  const output = createOutput({ stdout: io.stdout, stderr: io.stderr, json: () => globalOptions().json });
  const migrations: MigrationSet[] = modules.flatMap((module) => module.migrations ?? []);
  const services = serviceFactories(modules);
  const controller = createCliContext({ io, output, globalOptions, migrations, services });

  program
    .description('mlp: version data, track experiments, train, register, deploy and monitor models')
    .option('--json', 'print the result as one JSON document on stdout')
    .option(
      '-C, --workspace <dir>',
      'the workspace folder (default: $MLP_WORKSPACE, else the nearest folder upwards with mlp.config.json or .mlp/)',
    )
    .addOption(new Option('--log-level <level>', 'how much to log on stderr (default: warn)').choices(logLevels))
    .option('-V, --version', 'print the version')
    .on('option:version', () => {
      output.result(version, { ok: true, version });
      output.flush();
      throw new CommanderError(0, 'commander.version', version);
    });
  program.hook('preAction', (_root, action) => {
    controller.commandName = commandPath(action);
  });

  for (const module of modules) module.register(program, controller.context);
  configureTree(program, io);

  let ran = false;
  return {
    program,
    async run(args) {
      if (ran) throw new Error('Cli.run may be called once; create another Cli to run again.');
      ran = true;
      jsonFromArgs = hasJsonFlag(args);
      return execute(program, versionAfterCommandAsValue(args), output, controller);
    },
  };
}

/** Runs `mlp` with the user's arguments (`process.argv.slice(2)`) and returns the exit code. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<number> {
  return createCli(options).run(args);
}

async function execute(program: Command, args: readonly string[], output: Output, controller: CliContextController): Promise<number> {
  let exitCode: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    await controller.close();
    output.flush();
    exitCode = controller.exitCode ?? 0;
  } catch (error) {
    await controller
      .close()
      .catch((closeError: unknown) => controller.context.logger.warn({ err: closeError }, 'closing the workspace failed'));
    output.discard();
    if (isCommanderDone(error)) return 0;
    const failure = describeFailure(error);
    output.error(failure);
    const level = controller.context.options.logLevel;
    if (failure.stack && (level === 'debug' || level === 'trace'))
      controller.context.logger.debug({ stack: failure.stack }, 'stack of the failure');
    exitCode = failure.exitCode;
  }
  return exitCode;
}

/** `--json` anywhere before a `--` terminator: known even when parsing fails, so usage errors honour it. */
export function hasJsonFlag(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/**
 * `mlp deploy render NAME --version 2`: commander hands `--version` anywhere in the arguments to the root's
 * `-V, --version` flag, so the command would print mlp's version instead. After the command's name, a
 * `--version VALUE` is passed on as `--version=VALUE`, which the root's flag does not take.
 */
export function versionAfterCommandAsValue(args: readonly string[]): string[] {
  const rootValueOptions = new Set(['-C', '--workspace', '--log-level']);
  let command = -1;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') break;
    if (rootValueOptions.has(arg)) index++;
    else if (!arg.startsWith('-')) {
      command = index;
      break;
    }
  }
  if (command === -1) return [...args];
  const result = args.slice(0, command + 1);
  for (let index = command + 1; index < args.length; index++) {
    const arg = args[index] as string;
    const next = args[index + 1];
    if (arg === '--') {
      result.push(...args.slice(index));
      break;
    }
    if (arg === '--version' && next !== undefined && !next.startsWith('-')) {
      result.push(`--version=${next}`);
      index++;
    } else result.push(arg);
  }
  return result;
}

/** Errors are thrown rather than exiting, and printed by the CLI: for every command, including ones added with addCommand. */
function configureTree(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {},
    });
  for (const sub of command.commands) configureTree(sub, io);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

function serviceFactories(modules: readonly CliCommandModule[]): Map<string, (context: CliContext) => Promise<unknown>> {
  const factories = new Map<string, (context: CliContext) => Promise<unknown>>();
  for (const module of modules)
    for (const [name, factory] of Object.entries(module.services ?? {})) {
      if (factories.has(name)) throw new Error(`Two CLI command modules provide the service "${name}"; service names must be unique.`);
      factories.set(name, factory);
    }
  return factories;
}

function uniqueModules(modules: readonly CliCommandModule[]): CliCommandModule[] {
  const byName = new Map<string, CliCommandModule>();
  for (const module of modules) {
    const existing = byName.get(module.name);
    if (existing && existing !== module)
      throw new Error(`Two CLI command modules are named "${module.name}"; module names must be unique.`);
    byName.set(module.name, module);
  }
  return [...byName.values()];
}
