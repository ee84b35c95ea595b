import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { allowEmptyDatabase, CONFIG_FILE_NAME, MlpError, STATE_DIR_NAME } from '@mlp/core';
import type { Command } from 'commander';
import type { CliContext } from '../command-module.js';
import { initJson } from '../json-shapes.js';
import type { InitResult } from './init-result.js';

/** What `mlp init` writes when there is no config file: the defaults, spelled out so they are easy to change. */
export const initialConfig = {
  database: { url: 'embedded' },
  blobs: { url: `${STATE_DIR_NAME}/blobs` },
};

/** Lines of a .gitignore that already keep the state folder out of git. */
const ignoresStateDir = new Set([
  STATE_DIR_NAME,
  `${STATE_DIR_NAME}/`,
  `/${STATE_DIR_NAME}`,
  `/${STATE_DIR_NAME}/`,
  `${STATE_DIR_NAME}/*`,
  `/${STATE_DIR_NAME}/*`,
]);

/**
 * Makes `dir` a workspace: the folder, `mlp.config.json`, `.mlp/`, a `.gitignore` entry, and the database
 * with every migration applied. Never overwrites or rewrites a file that exists, so a second run changes nothing.
 */
export async function initWorkspace(context: CliContext, options: { resetDb?: boolean } = {}): Promise<InitResult> {
  const dir = context.workspaceDir;
  const created: string[] = [];
  const updated: string[] = [];

  if (await makeDir(dir)) created.push(dir);
  const configFile = path.join(dir, CONFIG_FILE_NAME);
  if (await writeNew(configFile, `${JSON.stringify(initialConfig, null, 2)}\n`)) created.push(CONFIG_FILE_NAME);
  const stateDir = path.join(dir, STATE_DIR_NAME);
  if (await makeDir(stateDir)) created.push(`${STATE_DIR_NAME}/`);
  const gitignore = await ensureGitignore(path.join(dir, '.gitignore'));
  if (gitignore === 'created') created.push('.gitignore');
  if (gitignore === 'appended') updated.push('.gitignore');

  const embeddedDb = path.join(stateDir, 'db');
  if (options.resetDb) await allowEmptyDatabase(stateDir);
  const hadDatabase = existsSync(embeddedDb);
  context.progress('Opening the workspace database…');
  const workspace = await context.openWorkspace({ applicationName: 'mlp init' });
  if (workspace.db.engine === 'embedded' && !hadDatabase && existsSync(embeddedDb)) created.push(`${STATE_DIR_NAME}/db`);

  return {
    ok: true,
    workspace: dir,
    created,
    updated,
    alreadyInitialised: created.length === 0 && updated.length === 0,
    database: { engine: workspace.db.engine, url: workspace.db.displayUrl },
    blobs: { driver: workspace.blobs.driver, location: workspace.blobs.location },
  };
}

export function formatInitResult(result: InitResult): string {
  const lines = result.alreadyInitialised
    ? [`Already initialised: ${result.workspace} (nothing changed).`]
    : [
        `Initialised the mlp workspace in ${result.workspace}:`,
        ...result.created.map((item) => `  created  ${item}`),
        ...result.updated.map((item) => `  updated  ${item} (added ${STATE_DIR_NAME}/)`),
      ];
  lines.push(`Database: ${result.database.url}`, `Blobs:    ${result.blobs.driver} ${result.blobs.location}`);
  return lines.join('\n');
}

export function registerInitCommand(program: Command, context: CliContext): void {
  program
    .command('init')
    .description(`create a workspace: ${CONFIG_FILE_NAME}, ${STATE_DIR_NAME}/ with the database, and a .gitignore entry (safe to re-run)`)
    .option('--reset-db', 'start an empty embedded database in place of a missing .mlp/db (it never deletes one that exists)')
    .action(async (options: { resetDb?: boolean }) => {
      const result = await initWorkspace(context, options);
      context.output(formatInitResult(result), initJson(result));
    });
}

/** Creates the folder (and parents); returns whether it did not exist before. */
async function makeDir(dir: string): Promise<boolean> {
  try {
    return (await mkdir(dir, { recursive: true })) !== undefined;
  } catch (error) {
    throw fsError(error, dir, 'create the folder');
  }
}

/** Writes the file only if it does not exist; returns whether it wrote it. */
async function writeNew(file: string, content: string): Promise<boolean> {
  try {
    await writeFile(file, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(error, file, 'write');
  }
}

async function ensureGitignore(file: string): Promise<'created' | 'appended' | 'unchanged'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(error, file, 'read');
    return (await writeNew(file, `${STATE_DIR_NAME}/\n`)) ? 'created' : 'unchanged';
  }
  if (text.split(/\r?\n/).some((line) => ignoresStateDir.has(line.trim()))) return 'unchanged';
  try {
    await appendFile(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${STATE_DIR_NAME}/\n`);
  } catch (error) {
    throw fsError(error, file, 'append to');
  }
  return 'appended';
}

function fsError(error: unknown, target: string, action: string): MlpError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new MlpError(
      'PERMISSION_DENIED',
      `Cannot ${action} ${target} (${code}). Fix the permissions, or choose another folder with -C/--workspace.`,
      { cause: error },
    );
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new MlpError(
      'INVALID_ARGUMENT',
      `Cannot ${action} ${target}: a file is in the way of the workspace folder. Choose another folder with -C/--workspace.`,
      {
        cause: error,
      },
    );
  }
  return new MlpError('INTERNAL', `Cannot ${action} ${target}: ${(error as Error).message}`, { cause: error });
}
