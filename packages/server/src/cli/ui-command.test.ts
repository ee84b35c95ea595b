import { describe, expect, it } from 'vitest';
import * as cliEntry from './server-commands.js';
import { uiUrlLine } from './ui-command.js';

const { uiCommand } = cliEntry;

describe('mlp ui', () => {
  it('is exported from @mlp/server/cli beside mlp server and takes the server flags', () => {
    let command = '';
    const flags: string[] = [];
    const builder = {
      command(name: string) {
        command = name;
        return builder;
      },
      description: () => builder,
      option(flag: string) {
        flags.push(flag);
        return builder;
      },
      action: () => builder,
    };
    uiCommand.register(builder, { options: { logLevel: undefined }, openWorkspace: () => Promise.reject(new Error('not opened')) });
    expect(command).toBe('ui');
    expect(flags).toEqual(['--host <host>', '--port <port>', '--token-file <file>', '--allowed-hosts <hosts>']);
    expect(uiUrlLine('http://127.0.0.1:5000')).toBe('mlp web UI: http://127.0.0.1:5000/\n');
  });
});
