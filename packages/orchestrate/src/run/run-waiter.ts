import { mlpEventsChannel, type Workspace } from '@mlp/core';
import { loadRunSummary } from '../store/run-summary.js';
import { type RunSummary, terminalRunStatuses } from './run-types.js';

type PoolClient = Awaited<ReturnType<Workspace['db']['connect']>>;

/** The event every end of a run publishes (finishRun): what wakes the waiters. */
const finishedEvent = 'pipeline_run.finished';
/** The look-up besides notifications (a lost connection loses them) starts at this and backs off to the cap. */
const firstPollMs = 250;
const maxPollMs = 5_000;

interface Watcher {
  waiting: Map<string, Set<(summary: RunSummary) => void>>;
  client: PoolClient | undefined;
  timer: NodeJS.Timeout | undefined;
  pollMs: number;
  checking: boolean;
  again: boolean;
}

/** One watcher per workspace, shared by every run waited on in this process: one connection, one query per wake-up. */
const watchers = new WeakMap<Workspace, Watcher>();

/**
 * Waits for a run driven elsewhere (another process, another engine here) to end, then returns its
 * summary; with `signal` aborted, returns the summary as it is then. Woken by the `pipeline_run.finished`
 * notification of the workspace's event bus, with a look-up backing off from 250 ms to 5 s besides.
 */
export async function waitForRun(workspace: Workspace, runId: string, signal?: AbortSignal): Promise<RunSummary> {
  const now = await loadRunSummary(workspace, runId);
  if (terminalRunStatuses.includes(now.status) || signal?.aborted) return now;
  const watcher = watcherOf(workspace);
  return new Promise<RunSummary>((resolve) => {
    const resolvers = watcher.waiting.get(runId) ?? new Set();
    watcher.waiting.set(runId, resolvers);
    const onAbort = () => {
      forget(workspace, watcher, runId, done);
      loadRunSummary(workspace, runId).then(resolve, () => resolve(now));
    };
    const done = (summary: RunSummary) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(summary);
    };
    resolvers.add(done);
    signal?.addEventListener('abort', onAbort, { once: true });
    // It may have ended between the first look and the watcher's LISTEN.
    void check(workspace, watcher);
  });
}

function watcherOf(workspace: Workspace): Watcher {
  let watcher = watchers.get(workspace);
  if (watcher) return watcher;
  const created: Watcher = { waiting: new Map(), client: undefined, timer: undefined, pollMs: firstPollMs, checking: false, again: false };
  watcher = created;
  watchers.set(workspace, created);
  void workspace.db
    .connect()
    .then(async (client) => {
      client.on('notification', (message) => {
        if (message.channel !== mlpEventsChannel || message.payload !== finishedEvent) return;
        created.pollMs = firstPollMs;
        void check(workspace, created);
      });
      client.on('error', () => {
        if (created.client === client) created.client = undefined;
      });
      await client.query(`LISTEN ${mlpEventsChannel}`);
      if (watchers.get(workspace) === created) created.client = client;
      else client.release();
    })
    .catch((error: unknown) => workspace.logger.debug({ err: error }, 'waiting for runs: no notifications, looking up instead'));
  arm(workspace, created);
  return created;
}

function arm(workspace: Workspace, watcher: Watcher): void {
  watcher.timer = setTimeout(() => {
    watcher.pollMs = Math.min(maxPollMs, watcher.pollMs * 2);
    void check(workspace, watcher).finally(() => {
      if (watchers.get(workspace) === watcher) arm(workspace, watcher);
    });
  }, watcher.pollMs);
  watcher.timer.unref();
}

/** Looks up every waited run in one query and resolves those that ended. */
async function check(workspace: Workspace, watcher: Watcher): Promise<void> {
  if (watcher.checking) {
    watcher.again = true;
    return;
  }
  watcher.checking = true;
  try {
    do {
      watcher.again = false;
      const ids = [...watcher.waiting.keys()];
      if (ids.length === 0) break;
      const rows = await workspace.db.query<{ run_id: string; status: string }>(
        'select run_id, status from orchestrate_runs where run_id = any($1::text[])',
        [ids],
      );
      for (const row of rows) {
        if (!terminalRunStatuses.includes(row.status as RunSummary['status'])) continue;
        const summary = await loadRunSummary(workspace, row.run_id);
        for (const resolve of watcher.waiting.get(row.run_id) ?? []) resolve(summary);
        watcher.waiting.delete(row.run_id);
      }
    } while (watcher.again);
  } catch (error) {
    workspace.logger.debug({ err: error }, 'waiting for runs: a look-up failed; trying again');
  } finally {
    watcher.checking = false;
    if (watcher.waiting.size === 0) stop(workspace, watcher);
  }
}

function forget(workspace: Workspace, watcher: Watcher, runId: string, resolver: (summary: RunSummary) => void): void {
  const resolvers = watcher.waiting.get(runId);
  resolvers?.delete(resolver);
  if (resolvers?.size === 0) watcher.waiting.delete(runId);
  if (watcher.waiting.size === 0) stop(workspace, watcher);
}

/** Nobody waits any more: the connection goes back to the pool, the timer stops. */
function stop(workspace: Workspace, watcher: Watcher): void {
  if (watchers.get(workspace) !== watcher) return;
  watchers.delete(workspace);
  clearTimeout(watcher.timer);
  const client = watcher.client;
  watcher.client = undefined;
  if (client)
    void client
      .query(`UNLISTEN ${mlpEventsChannel}`)
      .catch(() => undefined)
      .finally(() => client.release());
}
