import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chown, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '../../errors/mlp-error.js';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import type { PostgresBinaries } from './embedded-binaries.js';
import { reachAsServer } from './reach-as-server.js';
import type { RunAs } from './run-as.js';

export const SUPERUSER = 'mlp';

/** Settings for a small, local, durable server: TCP on loopback only, no Unix socket (paths get too long). */
const serverSettings = `
# Written by @mlp/core for the embedded workspace database.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
# PostgreSQL's own default, and WAL buffers large enough that bulk metric logging does not stall on
# WAL writes (1 MB, the default at this size, halves it). Pages are only touched as they are used.
shared_buffers = 128MB
wal_buffers = 16MB
logging_collector = off
log_min_messages = warning
log_min_error_statement = panic
`;

export interface ClusterPaths {
  dataDir: string;
  secretFile: string;
}

export function clusterPaths(stateDir: string): ClusterPaths {
  return { dataDir: path.join(stateDir, 'db'), secretFile: path.join(stateDir, 'db.secret') };
}

/** The superuser password of an existing cluster; the file is private to the workspace's owner. */
export async function readClusterSecret(paths: ClusterPaths): Promise<string> {
  try {
    return (await readFile(paths.secretFile, 'utf8')).trim();
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The embedded database in ${paths.dataDir} has no ${paths.secretFile}. Restore that file, or move the database folder away to start afresh.`,
      { cause: error },
    );
  }
}

/**
 * Creates the cluster with initdb in a temporary folder, then renames it into place, so a crash midway
 * never leaves a half-made database. The caller holds the workspace's database lock.
 */
export async function initCluster(paths: ClusterPaths, binaries: PostgresBinaries, identity: RunAs): Promise<void> {
  const parent = path.dirname(paths.dataDir);
  await removeStaleAttempts(parent);
  const attempt = `${paths.dataDir}.init-${randomBytes(4).toString('hex')}`;
  const passwordFile = `${attempt}.pw`;
  const password = randomBytes(24).toString('hex');
  try {
    await mkdir(attempt, { mode: 0o700 });
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (identity.user !== undefined) {
      await chown(attempt, identity.uid, identity.gid);
      await chown(passwordFile, identity.uid, identity.gid);
    }
    const reach = reachAsServer(identity, [attempt, passwordFile]);
    const [dataDir, pwFile] = reach.paths as [string, string];
    const args = [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '--pwfile',
      pwFile,
      '-A',
      'scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-instructions',
    ];
    try {
      await run(binaries.initdb, args, identity, reach.fds);
    } finally {
      reach.close();
    }
    await appendFile(path.join(attempt, 'postgresql.conf'), serverSettings);
    await writeFileAtomic(paths.secretFile, `${password}\n`, { mode: 0o600 });
    await rename(attempt, paths.dataDir);
  } catch (error) {
    await rm(attempt, { recursive: true, force: true });
    throw MlpError.isInstance(error)
      ? error
      : new MlpError('INTERNAL', `Could not create the embedded database in ${paths.dataDir}: ${(error as Error).message}`, {
          cause: error,
        });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function removeStaleAttempts(parent: string): Promise<void> {
  for (const name of await readdir(parent)) {
    if (/^db\.init-[0-9a-f]+(\.pw)?$/.test(name)) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function run(file: string, args: string[], identity: RunAs, fds: readonly number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'ignore', 'pipe', ...fds],
      ...(identity.user === undefined ? {} : { uid: identity.uid, gid: identity.gid }),
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new MlpError('INTERNAL', `${path.basename(file)} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2000)}`));
    });
  });
}
