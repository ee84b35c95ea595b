import type { Workspace } from '@mlp/core';
import type { MonitorRun } from './monitor-result.js';
import { latestDueTick } from './monitor-schedule.js';
import { openMonitorStore } from './monitor-store.js';

export interface MonitorSchedulerOptions {
  /** Runs one monitor for the window ending at `tick` (`runMonitor` with the process's sources). */
  run(name: string, tick: number): Promise<MonitorRun>;
  /** How often schedules are checked (default 5 s). */
  pollIntervalMs?: number;
  now?: () => number;
  onRun?: (run: MonitorRun) => void;
  onError?: (name: string, tick: number, error: unknown) => void;
}

export interface MonitorScheduler {
  /** Checks every schedule now and runs the ticks this process claims; resolves when they are done. */
  poll(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Runs scheduled monitors (in `mlp monitor agent` and `mlp server`). Each due tick is claimed with a row
 * (`monitor_ticks`, primary key monitor and tick) before it runs: however many schedulers share the
 * workspace, exactly one runs a tick. A failed run is reported and not retried; the next tick runs again.
 */
export async function startMonitorScheduler(workspace: Workspace, options: MonitorSchedulerOptions): Promise<MonitorScheduler> {
  const store = await openMonitorStore(workspace);
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  let closed = false;
  let running: Promise<void> = Promise.resolve();

  const pollOnce = async () => {
    for (const monitor of await store.list()) {
      const { schedule, name } = monitor.spec;
      if (!schedule || closed) continue;
      const after = Math.max((await store.lastTick(name)) ?? Number.NEGATIVE_INFINITY, monitor.createdAt);
      const tick = latestDueTick(schedule, after, now());
      if (tick === null || !(await store.claimTick(name, tick))) continue;
      try {
        options.onRun?.(await options.run(name, tick));
      } catch (error) {
        if (options.onError) options.onError(name, tick, error);
        else workspace.logger.error({ monitor: name, tick, error: (error as Error).message }, 'scheduled monitor run failed');
      }
    }
  };
  const poll = () => {
    running = running.then(pollOnce).catch((error: unknown) => {
      workspace.logger.error({ error: (error as Error).message }, 'checking monitor schedules failed');
    });
    return running;
  };
  const timer = setInterval(() => void poll(), pollIntervalMs);
  timer.unref();
  void poll();
  const close = async () => {
    closed = true;
    clearInterval(timer);
    await running;
  };
  return { poll, close, [Symbol.asyncDispose]: close };
}
