import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { MlpError } from '../../errors/mlp-error.js';
import type { Logger } from '../../logger/logger.js';
import { setClientRef } from '../client-ref.js';
import { embeddedDatabaseState, markDatabaseCreated, missingDatabaseError } from './database-marker.js';
import { findPostgresBinaries } from './embedded-binaries.js';
import { type ClusterPaths, clusterPaths, initCluster, readClusterSecret, SUPERUSER } from './embedded-cluster.js';
import { isProcessAlive, readPostmasterPid } from './postmaster-pid.js';
import { reachAsServer } from './reach-as-server.js';
import { serverIdentity } from './run-as.js';

export interface EmbeddedServerLease {
  /** Connection settings for a `pg` pool. */
  connection: pg.PoolConfig;
  /** Ends this process's claim; the last process out stops the server. */
  release(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
/** Marks the one connection each open workspace holds for its lifetime. */
const PRESENCE_SUFFIX = ':presence';
const POLL_MS = 5;
/** A lock not refreshed for this long belongs to a dead process. */
const LOCK_STALE_MS = 15_000;
const LOCK_RETRY_MS = 50;

/**
 * Shares one PostgreSQL server among every process that opens the workspace. The first opener creates
 * and starts it; each opener keeps one "presence" connection for as long as it is open, so the last
 * one to close sees no other presence and stops the server. Start and stop decisions are made under a
 * lock file, so two processes never race to start or stop it.
 */
export async function leaseEmbeddedServer(stateDir: string, logger: Logger, applicationName: string): Promise<EmbeddedServerLease> {
  const paths = clusterPaths(stateDir);
  const unlock = await lockDatabase(stateDir);
  let presence: pg.Client | undefined;
  let connection: pg.PoolConfig;
  try {
    const port = await ensureRunning(paths, stateDir, logger);
    connection = {
      host: '127.0.0.1',
      port,
      user: SUPERUSER,
      password: await readClusterSecret(paths),
      database: 'postgres',
      application_name: applicationName,
    };
    presence = new pg.Client({ ...connection, application_name: `${applicationName}${PRESENCE_SUFFIX}` });
    await presence.connect();
    // Held for the workspace's lifetime, idle: it must not keep the process alive by itself.
    setClientRef(presence, false);
    // A dropped presence connection only means the server went away; queries will say so.
    presence.on('error', (error) => logger.warn({ err: error }, 'embedded database presence connection lost'));
  } catch (error) {
    await presence?.end().catch(() => {});
    throw error;
  } finally {
    await unlock();
  }

  const claim = presence;
  let released = false;
  return {
    connection,
    async release() {
      if (released) return;
      released = true;
      const unlockAgain = await lockDatabase(stateDir);
      setClientRef(claim, true); // its last query must complete before the process may exit
      try {
        // Count other processes' presence connections only: our own pool's connections may still be
        // closing (pg-pool's end() does not wait for them), and would keep the server up for nobody.
        const others = await claim
          .query<{ n: string }>(
            `select count(*) as n from pg_stat_activity
             where backend_type = 'client backend' and application_name like $1 and pid <> pg_backend_pid()`,
            [`%${PRESENCE_SUFFIX}`],
          )
          .then((result) => Number(result.rows[0]?.n ?? 0))
          .catch(() => -1);
        await claim.end().catch(() => {});
        if (others === 0) await stopServer(paths, logger);
      } finally {
        await unlockAgain();
      }
    },
  };
}

async function lockDatabase(stateDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(path.join(stateDir, 'db'), {
      realpath: false,
      lockfilePath: path.join(stateDir, 'db.lock'),
      stale: LOCK_STALE_MS,
      update: 5_000,
      // Wait well past the stale time: a holder killed mid-start leaves its lock until it goes stale.
      retries: { retries: (LOCK_STALE_MS * 3) / LOCK_RETRY_MS, factor: 1, minTimeout: LOCK_RETRY_MS, maxTimeout: LOCK_RETRY_MS },
    });
  } catch (error) {
    throw new MlpError(
      'UNAVAILABLE',
      `Timed out waiting for ${path.join(stateDir, 'db.lock')}: another process is starting or stopping the embedded database. Try again; delete the lock if no mlp process runs.`,
      {
        cause: error,
      },
    );
  }
}

async function ensureRunning(paths: ClusterPaths, stateDir: string, logger: Logger): Promise<number> {
  const binaries = findPostgresBinaries();
  const identity = serverIdentity();
  const state = embeddedDatabaseState(stateDir);
  if (state === 'missing') throw missingDatabaseError();
  if (state === 'absent') {
    logger.info({ dataDir: paths.dataDir }, 'creating the embedded database');
    await initCluster(paths, binaries, identity);
  }
  await markDatabaseCreated(stateDir);

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const state = await readPostmasterPid(paths.dataDir);
    if (state === undefined || !isProcessAlive(state.pid)) break;
    if (state.status === 'ready') return state.port;
    // A server that is starting or stopping (a crash left it, or a lock holder died): wait it out.
    if (Date.now() > deadline)
      throw new MlpError(
        'UNAVAILABLE',
        `The embedded database (pid ${state.pid}) stayed '${state.status}' for a minute. See ${logFile(stateDir)}.`,
      );
    await sleep(POLL_MS);
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer(paths, stateDir, await freePort());
    } catch (error) {
      // Another program may take the port between our probe and the server's bind: pick another.
      if (attempt >= 3 || !(error instanceof PortInUse)) throw error;
    }
  }
}

class PortInUse extends Error {}

async function startServer(paths: ClusterPaths, stateDir: string, port: number): Promise<number> {
  const binaries = findPostgresBinaries();
  const identity = serverIdentity();
  const log = logFile(stateDir);
  await mkdir(path.dirname(log), { recursive: true });
  const logHandle = await open(log, 'a');
  const logStart = (await logHandle.stat()).size;
  try {
    const reach = reachAsServer(identity, [paths.dataDir]);
    const child = spawn(binaries.postgres, ['-D', reach.paths[0] as string, '-p', String(port)], {
      detached: true,
      stdio: ['ignore', logHandle.fd, logHandle.fd, ...reach.fds],
      ...(identity.user === undefined ? {} : { uid: identity.uid, gid: identity.gid }),
    });
    reach.close();
    let exited: string | undefined;
    child.on('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
    });
    child.on('error', (error) => {
      exited = error.message;
    });
    child.unref();

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (exited === undefined && Date.now() < deadline) {
      const state = await readPostmasterPid(paths.dataDir);
      if (state !== undefined && state.pid === child.pid && state.status === 'ready') return port;
      await sleep(POLL_MS);
    }
    const tail = await readTail(log, logStart);
    if (/could not bind|address already in use/i.test(tail)) throw new PortInUse(tail);
    throw new MlpError(
      'UNAVAILABLE',
      `The embedded database did not start (${exited ?? 'timed out'}). Its log, ${log}, says: ${tail.trim().slice(-1500) || '(nothing)'}`,
    );
  } finally {
    await logHandle.close();
  }
}

async function stopServer(paths: ClusterPaths, logger: Logger): Promise<void> {
  const state = await readPostmasterPid(paths.dataDir);
  if (state === undefined || !isProcessAlive(state.pid)) return;
  const { pid } = state;
  try {
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    process.kill(pid, 'SIGINT');
  } catch (error) {
    logger.warn({ err: error, pid }, 'could not stop the embedded database; it keeps running');
    return;
  }
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const now = await readPostmasterPid(paths.dataDir);
    if (now?.pid !== pid || !isProcessAlive(pid)) return;
    await sleep(POLL_MS);
  }
  logger.warn({ pid }, 'the embedded database is still shutting down after a minute');
}

function logFile(stateDir: string): string {
  return path.join(stateDir, 'logs', 'postgres.log');
}

async function readTail(file: string, from: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(from, size - 8192);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
