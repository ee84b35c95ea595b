import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli, hasJsonFlag, runCli, versionAfterCommandAsValue } from './cli.js';
import type { CliCommandModule, CliContext } from './command-module.js';
import { cliVersion } from './version.js';

function buffer(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'mlp-cli-unit-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

/** Runs the CLI in-process with captured streams and an empty environment. */
async function run(args: string[], options: { modules?: CliCommandModule[]; env?: Record<string, string>; cwd?: string } = {}) {
  const stdout = buffer();
  const stderr = buffer();
  const code = await runCli(args, {
    modules: options.modules ?? [],
    io: { stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? cwd },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A module whose `probe` command records the context and does what its arguments say. */
function probeModule(seen: { context?: CliContext; options?: CliContext['options']; dir?: string }): CliCommandModule {
  return {
    name: 'probe',
    register(program, context) {
      seen.context = context;
      program
        .command('probe')
        .argument('[behaviour]', 'ok | mlp-error | crash | fail | exit3 | twice | open')
        .action(async (behaviour: string | undefined) => {
          seen.options = context.options;
          seen.dir = context.workspaceDir;
          if (behaviour === 'mlp-error') throw new MlpError('NOT_FOUND', 'No run named r1. List runs with `mlp runs list`.');
          if (behaviour === 'crash') throw new TypeError('cannot read x of undefined');
          if (behaviour === 'fail') context.fail('CONFLICT', 'Run r1 changed meanwhile.');
          if (behaviour === 'exit3') context.setExitCode(3);
          if (behaviour === 'twice') context.output('first', { n: 1 });
          if (behaviour === 'open') await context.openWorkspace();
          context.output('probe done', { ok: true, n: 2 });
        });
    },
  };
}

describe('workspace discovery', () => {
  it('refuses to open a workspace where there is none, creating nothing', async () => {
    const empty = await mkdtemp(path.join(cwd, 'empty-'));
    const result = await run(['probe', 'open'], { modules: [probeModule({})], cwd: empty });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error [FAILED_PRECONDITION]: No mlp workspace here');
    expect(result.stderr).toContain('Run `mlp init`');
    expect(await readdir(empty)).toEqual([]);
  });

  it('works on the nearest workspace above the current folder, as git finds .git', async () => {
    const workspace = await mkdtemp(path.join(cwd, 'ws-'));
    await writeFile(path.join(workspace, 'mlp.config.json'), '{}');
    const deep = path.join(workspace, 'src', 'models');
    await mkdir(deep, { recursive: true });
    const seen: { dir?: string } = {};
    await run(['probe'], { modules: [probeModule(seen)], cwd: deep });
    expect(seen.dir).toBe(workspace);
  });

  it('counts a database URL in MLP_DATABASE_URL as a workspace', async () => {
    const empty = await mkdtemp(path.join(cwd, 'url-'));
    const result = await run(['probe', 'open'], {
      modules: [probeModule({})],
      cwd: empty,
      env: { MLP_DATABASE_URL: 'postgres://mlp@127.0.0.1:1/none' },
    });
    // It tried the server: unreachable, rather than "no workspace".
    expect(result.stderr).toContain('error [UNAVAILABLE]');
  });
});

describe('global options', () => {
  it('prints the package version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await run([flag]);
      expect(result).toEqual({ code: 0, stdout: `${cliVersion()}\n`, stderr: '' });
    }
    expect(cliVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("leaves a command's own --version VALUE to the command", async () => {
    const seen: string[] = [];
    const versioned: CliCommandModule = {
      name: 'versioned',
      register(program, context) {
        program
          .command('render')
          .argument('<name>')
          .option('--version <n>', 'a model version')
          .action((name: string, flags: { version?: string }) => {
            seen.push(`${name}@${flags.version}`);
            context.output('rendered', { ok: true });
          });
      },
    };
    const result = await run(['-C', '.', 'render', 'm', '--version', '2'], { modules: [versioned] });
    expect(result.code).toBe(0);
    expect(seen).toEqual(['m@2']);
    expect(result.stdout).not.toContain(cliVersion());
  });

  it('rewrites only a --version VALUE after the command name', () => {
    expect(versionAfterCommandAsValue(['--version'])).toEqual(['--version']);
    expect(versionAfterCommandAsValue(['--log-level', 'debug', 'x', '--version', '3', '--json'])).toEqual([
      '--log-level',
      'debug',
      'x',
      '--version=3',
      '--json',
    ]);
    expect(versionAfterCommandAsValue(['x', '--version', '--json'])).toEqual(['x', '--version', '--json']);
    expect(versionAfterCommandAsValue(['x', '--', '--version', '3'])).toEqual(['x', '--', '--version', '3']);
  });

  it('prints the version as JSON with --json', async () => {
    const result = await run(['--json', '--version']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, version: cliVersion() });
  });

  it('prints help on stdout with exit code 0, listing the core commands and module commands', async () => {
    const result = await run(['--help'], { modules: [probeModule({})] });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: mlp');
    for (const text of ['init', 'doctor', 'probe', '--json', '--workspace', '--log-level']) expect(result.stdout).toContain(text);
  });

  it('parses --json, -C and --log-level before or after the command', async () => {
    const seen: { options?: CliContext['options']; dir?: string } = {};
    const result = await run(['probe', '--json', '-C', 'ws', '--log-level', 'debug'], { modules: [probeModule(seen)] });
    expect(result.code).toBe(0);
    expect(seen.options).toEqual({ json: true, workspace: 'ws', logLevel: 'debug' });
    expect(seen.dir).toBe(path.join(cwd, 'ws'));
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, n: 2 });
  });

  it('takes the workspace from MLP_WORKSPACE, else the current folder', async () => {
    const fromEnv: { dir?: string } = {};
    await run(['probe'], { modules: [probeModule(fromEnv)], env: { MLP_WORKSPACE: '/srv/ml' } });
    expect(fromEnv.dir).toBe('/srv/ml');

    const fromCwd: { dir?: string; options?: CliContext['options'] } = {};
    await run(['probe'], { modules: [probeModule(fromCwd)] });
    expect(fromCwd.dir).toBe(cwd);
    expect(fromCwd.options).toEqual({ json: false, workspace: undefined, logLevel: undefined });
  });

  it('-C wins over MLP_WORKSPACE', async () => {
    const seen: { dir?: string } = {};
    await run(['-C', '/a', 'probe'], { modules: [probeModule(seen)], env: { MLP_WORKSPACE: '/b' } });
    expect(seen.dir).toBe('/a');
  });
});

describe('usage errors exit with 2', () => {
  it('reports an unknown command, with a suggestion', async () => {
    const result = await run(['doctr']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("error [INVALID_ARGUMENT]: Unknown command 'doctr' (Did you mean doctor?) Run `mlp --help` for usage.\n");
  });

  it('reports an unknown option', async () => {
    const result = await run(['doctor', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error [INVALID_ARGUMENT]: Unknown option '--frobnicate'");
  });

  it('rejects a log level outside the list', async () => {
    const result = await run(['--log-level', 'loud', 'doctor']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('loud');
  });

  it('rejects extra arguments', async () => {
    const result = await run(['init', 'extra']);
    expect(result.code).toBe(2);
  });

  it('treats no command as a usage error and shows help on stderr', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: mlp');
    expect(result.stderr).toContain('error [INVALID_ARGUMENT]: No command given.');
  });

  it('honours --json for usage errors: one JSON error document on stdout', async () => {
    const result = await run(['--json', 'nope']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining("Unknown command 'nope'") },
    });
  });

  it('applies to commands added with addCommand too', async () => {
    const module: CliCommandModule = {
      name: 'added',
      register(program) {
        program.addCommand(new Command('added').action(() => {}));
      },
    };
    const result = await run(['added', '--nope'], { modules: [module] });
    expect(result.code).toBe(2);
  });
});

describe('command failures', () => {
  it('prints an MlpError and exits with its code', async () => {
    const result = await run(['probe', 'mlp-error'], { modules: [probeModule({})] });
    expect(result).toEqual({ code: 4, stdout: '', stderr: 'error [NOT_FOUND]: No run named r1. List runs with `mlp runs list`.\n' });
  });

  it('prints the JSON error shape under --json', async () => {
    const result = await run(['probe', 'mlp-error', '--json'], { modules: [probeModule({})] });
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No run named r1. List runs with `mlp runs list`.' },
    });
  });

  it('maps unexpected errors to INTERNAL, exit code 70', async () => {
    const result = await run(['probe', 'crash', '--json'], { modules: [probeModule({})] });
    expect(result.code).toBe(70);
    expect(JSON.parse(result.stdout).error).toEqual({ code: 'INTERNAL', message: expect.stringContaining('cannot read x of undefined') });
  });

  it('shows the stack of an unexpected error at --log-level debug', async () => {
    const result = await run(['probe', 'crash', '--log-level', 'debug'], { modules: [probeModule({})] });
    expect(result.code).toBe(70);
    expect(result.stderr).toContain('TypeError: cannot read x of undefined');
  });

  it('context.fail ends the command with the given code', async () => {
    const result = await run(['probe', 'fail'], { modules: [probeModule({})] });
    expect(result.code).toBe(6);
    expect(result.stderr).toBe('error [CONFLICT]: Run r1 changed meanwhile.\n');
  });

  it('context.setExitCode sets the exit code and keeps the output', async () => {
    const result = await run(['probe', 'exit3'], { modules: [probeModule({})] });
    expect(result).toEqual({ code: 3, stdout: 'probe done\n', stderr: '' });
  });

  it('prints one JSON document even when a command outputs twice', async () => {
    const result = await run(['probe', 'twice', '--json'], { modules: [probeModule({})] });
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, n: 2 });
  });
});

describe('modules', () => {
  it('registers each module once with the shared context, the core module first', () => {
    const seen: { context?: CliContext } = {};
    const cli = createCli({ modules: [probeModule(seen)], io: { stdout: buffer(), stderr: buffer(), env: {}, cwd } });
    expect(cli.program.commands.map((command) => command.name())).toEqual(['init', 'doctor', 'probe']);
    expect(seen.context?.migrations).toEqual([]);
  });

  it('collects the modules’ migrations for the context', () => {
    const seen: { context?: CliContext } = {};
    const set = { package: '@mlp/probe', migrations: [{ id: '0000_x', sql: 'select 1' }] };
    createCli({ modules: [{ ...probeModule(seen), migrations: [set] }], io: { stdout: buffer(), stderr: buffer(), env: {}, cwd } });
    expect(seen.context?.migrations).toEqual([set]);
  });

  it('refuses two different modules with one name', () => {
    expect(() => createCli({ modules: [probeModule({}), probeModule({})] })).toThrow(/named "probe"/);
  });

  it('hands one module’s service to another’s commands, built once per run, undefined when nobody provides it', async () => {
    let built = 0;
    const provider: CliCommandModule = {
      name: 'provider',
      services: { probeCatalog: async () => ({ id: ++built }) },
      register() {},
    };
    const consumer: CliCommandModule = {
      name: 'consumer',
      register(program, context) {
        program.command('use').action(async () => {
          const first = await context.service('probeCatalog');
          const again = await context.service('probeCatalog');
          context.output('used', { first, same: first === again, missing: (await context.service('probeMissing')) ?? null });
        });
      },
    };
    const result = await run(['use', '--json'], { modules: [provider, consumer] });
    expect(JSON.parse(result.stdout)).toEqual({ first: { id: 1 }, same: true, missing: null });
    expect(built).toBe(1);
  });

  it('refuses two modules providing one service name', () => {
    const providing = (name: string): CliCommandModule => ({ name, services: { probeCatalog: async () => ({ id: 1 }) }, register() {} });
    expect(() => createCli({ modules: [providing('a'), providing('b')] })).toThrow(/service "probeCatalog"/);
  });

  it('closes what a command hands to closeAfter when it ends, newest first, also when it fails', async () => {
    const closed: string[] = [];
    const resource = (name: string) => ({ close: async () => void closed.push(name) });
    const module: CliCommandModule = {
      name: 'owner',
      register(program, context) {
        program
          .command('own')
          .argument('[behaviour]')
          .action(async (behaviour: string | undefined) => {
            context.closeAfter(resource('registry'));
            context.closeAfter(resource('tracking'));
            if (behaviour === 'fail') context.fail('CONFLICT', 'Run r1 changed meanwhile.');
            context.output('owned', {});
          });
      },
    };
    expect((await run(['own'], { modules: [module] })).code).toBe(0);
    expect(closed).toEqual(['tracking', 'registry']);
    expect((await run(['own', 'fail'], { modules: [module] })).code).not.toBe(0);
    expect(closed).toEqual(['tracking', 'registry', 'tracking', 'registry']);
  });

  it('runs a Cli once', async () => {
    const cli = createCli({ modules: [probeModule({})], io: { stdout: buffer(), stderr: buffer(), env: {}, cwd } });
    await cli.run(['probe']);
    await expect(cli.run(['probe'])).rejects.toThrow(/once/);
  });
});

describe('hasJsonFlag', () => {
  it('finds --json before a -- terminator only', () => {
    expect(hasJsonFlag(['x', '--json'])).toBe(true);
    expect(hasJsonFlag(['x', '--', '--json'])).toBe(false);
    expect(hasJsonFlag(['x'])).toBe(false);
  });
});

// The services these tests provide, declared as a package declares its own.
declare module '@mlp/core' {
  interface CliServices {
    probeCatalog: { id: number };
    probeMissing: { never: true };
  }
}
