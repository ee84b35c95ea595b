import { constants } from 'node:os';

/** What the process hooks need of a run: flush it and end it, without throwing. */
export interface ExitTarget {
  terminate(status: 'KILLED' | 'FINISHED'): Promise<void>;
}

const handledSignals = ['SIGINT', 'SIGTERM'] as const;
type HandledSignal = (typeof handledSignals)[number];

/** How long a signal waits for active runs to flush and end before the process exits anyway. */
export const signalGraceMs = 10_000;

const withSignals = new Set<ExitTarget>();
const withoutSignals = new Set<ExitTarget>();
let signalsInstalled = false;
let beforeExitInstalled = false;

/** Marks this SDK's listeners, so two copies of the package in one process do not wait on each other. */
const ownListener = Symbol.for('@mlp/tracking/exit-hook');

/**
 * Whether a listener besides ours and signal-exit's will handle `signal`. signal-exit (used by
 * proper-lockfile, execa, ...) re-raises only when no one else listens, so counting it as "someone
 * else" would leave both waiting and the process alive; its listener count is published (v3 on
 * `process`, v4 on `globalThis`), which is how signal-exit itself discounts its own.
 */
function othersListen(signal: HandledSignal): boolean {
  const v3 = (process as unknown as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__?.count;
  const v4 = (globalThis as unknown as Record<symbol, { count?: unknown } | undefined>)[Symbol.for('signal-exit emitter')]?.count;
  const signalExit = (typeof v3 === 'number' ? v3 : 0) + (typeof v4 === 'number' ? v4 : 0);
  const others = process.listeners(signal).filter((listener) => !(listener as unknown as Record<symbol, unknown>)[ownListener]).length;
  return others - signalExit > 0;
}

function onSignal(signal: HandledSignal): void {
  // Someone else handles the signal too: they own the process's fate, so end the runs and let them decide.
  const deferExit = othersListen(signal);
  // Removed at once: a second Ctrl-C gets Node's default and stops the process without waiting.
  uninstallSignals();
  const targets = [...withSignals];
  withSignals.clear();
  updateBeforeExit();
  // We own the exit: the script keeps running while its runs end, and whatever it throws meanwhile
  // (an error of its own, a rejected await) must not end the process with 1 before the runs are KILLED.
  if (!deferExit) {
    process.on('uncaughtException', reportWhileEnding);
    process.on('unhandledRejection', reportWhileEnding);
  }
  let timer: NodeJS.Timeout | undefined;
  // The timer is not unref'd: the process must not drift to a normal exit (code 0) while runs end.
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, signalGraceMs);
  });
  void Promise.race([Promise.allSettled(targets.map((target) => target.terminate('KILLED'))), grace]).then(() => {
    clearTimeout(timer);
    if (deferExit) return;
    // Re-raise with the default disposition restored, so the parent sees death by the signal (130 / 143 in a shell).
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1000).unref();
  });
}

function reportWhileEnding(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mlp: while ending runs after a signal, the program failed (ignored): ${message}\n`);
}

const signalListeners = {
  SIGINT: Object.assign(() => onSignal('SIGINT'), { [ownListener]: true }),
  SIGTERM: Object.assign(() => onSignal('SIGTERM'), { [ownListener]: true }),
} as const;

function installSignals(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const signal of handledSignals) process.on(signal, signalListeners[signal]);
}

function uninstallSignals(): void {
  if (!signalsInstalled) return;
  signalsInstalled = false;
  for (const signal of handledSignals) process.off(signal, signalListeners[signal]);
}

/** A run still active when the event loop empties was never ended: end it FINISHED, as MLflow does at exit. */
function onBeforeExit(): void {
  const targets = [...withSignals, ...withoutSignals];
  for (const target of targets) void target.terminate('FINISHED');
}

function updateBeforeExit(): void {
  const wanted = withSignals.size + withoutSignals.size > 0;
  if (wanted && !beforeExitInstalled) process.on('beforeExit', onBeforeExit);
  if (!wanted && beforeExitInstalled) process.off('beforeExit', onBeforeExit);
  beforeExitInstalled = wanted;
}

/**
 * Registers an active run with the process hooks: SIGINT/SIGTERM (when `signals`) flush it and end
 * it KILLED, then the signal is raised again; an event loop that empties ends it FINISHED. Hooks are
 * installed with the first run and removed with the last. Returns the function that unregisters it.
 */
export function watchProcessExit(target: ExitTarget, options: { signals: boolean }): () => void {
  if (options.signals) {
    withSignals.add(target);
    installSignals();
  } else {
    withoutSignals.add(target);
  }
  updateBeforeExit();
  return () => {
    withSignals.delete(target);
    withoutSignals.delete(target);
    if (withSignals.size === 0) uninstallSignals();
    updateBeforeExit();
  };
}
