// Commands of the built `mlp`, asked of its --help: whether an invocation names real commands,
// subcommands and options. Used by the checks of the workflows and of the platform manifests.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { withoutGlobalOptions } from './workflow-checks.js';

const root = path.resolve(import.meta.dirname, '..', '..');
/** The built CLI, as installed (the tests that use it need `npm run build`, as `npm test` does). */
export const cliBin = path.join(root, 'packages', 'cli', 'dist', 'bin.js');

const helps = new Map<string, Promise<string>>();
/** `mlp ...path --help` of the built CLI (cached). */
function help(words: string[]): Promise<string> {
  if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: build first (npm run build), as npm test does.`);
  const key = words.join(' ');
  let text = helps.get(key);
  if (!text) {
    text = promisify(execFile)(process.execPath, [cliBin, ...words, '--help'], { cwd: root }).then(({ stdout }) => stdout);
    helps.set(key, text);
  }
  return text;
}

/** The subcommands a help text lists (`ls|list` gives both names), without commander's `help`. */
function subcommands(text: string): string[] {
  const section = text.split(/\nCommands:\n/)[1];
  if (!section) return [];
  return [...section.matchAll(/^ {2}([^\s[<]+)/gm)].flatMap((m) => (m[1] as string).split('|')).filter((name) => name !== 'help');
}

/** Checks one `mlp` invocation against the CLI: each command word exists, and so does each option used. */
export async function checkInvocation(invocation: string[], where: string): Promise<string> {
  const words = withoutGlobalOptions(invocation);
  const command: string[] = [];
  let text = await help([]);
  for (const word of words) {
    const known = subcommands(text);
    if (known.length === 0) break; // a leaf command: the rest are its arguments and options
    expect(known, `${where}: \`mlp ${[...command, word].join(' ')}\` is not a command of the built CLI`).toContain(word);
    command.push(word);
    text = await help(command);
  }
  expect(command.length, `${where}: \`mlp ${words.join(' ')}\` names no command`).toBeGreaterThan(0);
  expect(subcommands(text), `${where}: \`mlp ${command.join(' ')}\` needs a subcommand`).toEqual([]);
  for (const word of words.slice(command.length).filter((w) => /^--?[a-z]/i.test(w))) {
    const option = word.split('=')[0] as string;
    // The root's -V/--version wins over a subcommand's --version unless its value is attached with '='.
    if (option === '--version')
      expect(word, `${where}: \`mlp ${command.join(' ')} --version N\` prints mlp's version; write --version=N`).toContain('=');
    expect(text, `${where}: \`mlp ${command.join(' ')}\` has no option ${option}`).toMatch(
      new RegExp(`(^|[\\s,])${option.replace(/[-]/g, '\\-')}([\\s,=]|$)`, 'm'),
    );
  }
  return command.join(' ');
}
