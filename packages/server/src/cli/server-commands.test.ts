import { describe, expect, it } from 'vitest';
import { serverCommands } from './server-commands.js';

/** Records what a command module declares, standing in for commander's Command. */
function recorder() {
  const calls: { command?: string; description?: string; options: [string, string | undefined, string | undefined][]; action?: unknown } = {
    options: [],
  };
  const builder = {
    command(name: string) {
      calls.command = name;
      return builder;
    },
    description(text: string) {
      calls.description = text;
      return builder;
    },
    option(flags: string, description?: string, defaultValue?: string) {
      calls.options.push([flags, description, defaultValue]);
      return builder;
    },
    action(fn: unknown) {
      calls.action = fn;
      return builder;
    },
  };
  return { builder, calls };
}

describe('serverCommands', () => {
  it('registers `mlp server` with --host 127.0.0.1, --port 5000, --token-file, --allowed-hosts, the pipelines flags and --deploy-agent', () => {
    const { builder, calls } = recorder();
    serverCommands.register(builder, { options: { logLevel: undefined }, openWorkspace: () => Promise.reject(new Error('not opened')) });
    expect(serverCommands.name).toBe('server');
    expect(calls.command).toBe('server');
    expect(calls.options.map(([flags, , defaultValue]) => [flags, defaultValue])).toEqual([
      ['--host <host>', '127.0.0.1'],
      ['--port <port>', '5000'],
      ['--token-file <file>', undefined],
      ['--allowed-hosts <hosts>', undefined],
      ['--no-scheduler', undefined],
      ['--pipeline-executor <name>', 'local'],
      ['--deploy-agent', undefined],
    ]);
    expect(typeof calls.action).toBe('function');
  });
});
