import type { ParentMessage, PruneDecision, TrialError, TrialFunction, WorkerMessage } from './trial-protocol.js';

/** How a worker talks to its pool: a thread's parentPort or a child process's IPC channel. */
export interface TrialChannel {
  send(message: WorkerMessage): void;
  onMessage(handler: (message: ParentMessage) => void): void;
}

/**
 * The worker side of a trial pool: runs one trial at a time from the pool's `run` messages, keeping
 * each worker module loaded between trials (loading tfjs once per worker, not once per trial).
 */
export function serveTrials(channel: TrialChannel): void {
  const modules = new Map<string, Promise<TrialFunction>>();
  const waiting = new Map<string, (decision: PruneDecision) => void>();
  let controller = new AbortController();

  channel.onMessage((message) => {
    if (message.type === 'run') void runTrial(message);
    else if (message.type === 'decision') {
      const key = `${message.index}:${message.epoch}`;
      waiting.get(key)?.(message.decision);
      waiting.delete(key);
    } else if (message.type === 'abort') controller.abort();
  });

  async function runTrial(message: Extract<ParentMessage, { type: 'run' }>): Promise<void> {
    const { index } = message;
    controller = new AbortController();
    let prunedAt: number | undefined;
    const context = {
      signal: controller.signal,
      onEpoch(epoch: number, metrics: Record<string, number>): Promise<PruneDecision> {
        // Once told to stop, a trial that reports again is told again without asking the pool.
        if (prunedAt !== undefined) return Promise.resolve('prune');
        return new Promise<PruneDecision>((resolve) => {
          waiting.set(`${index}:${epoch}`, (decision) => {
            if (decision === 'prune') prunedAt = epoch;
            resolve(decision);
          });
          channel.send({ type: 'epoch', index, epoch, metrics: { ...metrics } });
        });
      },
    };
    let outcome: WorkerMessage;
    try {
      const trial = await loadTrial(message.module);
      const result = await trial(message.input, context);
      outcome = prunedAt !== undefined ? { type: 'pruned', index, epoch: prunedAt } : { type: 'finished', index, result };
    } catch (error) {
      // A trial that throws after being told to stop was stopped, not broken.
      outcome =
        prunedAt !== undefined ? { type: 'pruned', index, epoch: prunedAt } : { type: 'failed', index, error: describeError(error) };
    }
    try {
      channel.send(outcome);
    } catch (error) {
      // A result that cannot cross to the pool (a function, a class instance with native state).
      channel.send({
        type: 'failed',
        index,
        error: {
          code: 'INVALID_ARGUMENT',
          message: `the trial's result cannot be sent to the search: ${describeError(error).message}; return plain data.`,
        },
      });
    }
  }

  function loadTrial(module: string): Promise<TrialFunction> {
    let loaded = modules.get(module);
    if (!loaded) {
      loaded = import(module).then((namespace: { default?: unknown }) => {
        if (typeof namespace.default !== 'function')
          throw Object.assign(
            new Error(`the worker module ${module} has no default export function; export default async function (input, context).`),
            {
              code: 'INVALID_ARGUMENT',
            },
          );
        return namespace.default as TrialFunction;
      });
      modules.set(module, loaded);
    }
    return loaded;
  }
}

// The codes of MlpError, read by duck typing rather than by importing @mlp/core, so the worker entry
// loads nothing but itself before the trial's module; any other code (ENOENT, …) is INTERNAL.
const codes = new Set(['NOT_FOUND', 'ALREADY_EXISTS', 'INVALID_ARGUMENT', 'FAILED_PRECONDITION', 'CONFLICT', 'UNAVAILABLE', 'INTERNAL']);

function describeError(error: unknown): TrialError {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return { code: typeof code === 'string' && codes.has(code) ? code : 'INTERNAL', message };
}
