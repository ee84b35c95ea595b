import { type JobQueue, MlpError } from '@mlp/core';
import type { PruneDecision, TrialTransport, WorkerMessage } from './trial-protocol.js';
import { decodeTrialValue, encodeTrialValue, type TrialJobInput } from './trial-queue-job.js';

/**
 * A trial pool's slot whose trials run as jobs on a job queue (`mode: 'queue'`): each `run` becomes
 * a `runTrialJob` job, its epoch reports come back as the pool's epoch messages (the pruner answers
 * them here, whichever machine the trial runs on), its result as the outcome message. A job whose
 * worker died runs again on another worker (the queue's leases); it reports its epochs again, and the
 * pruner, which judged them already, answers as before.
 */
export function queueTransport(queue: JobQueue, jobModule: string): TrialTransport {
  let deliver: (message: WorkerMessage) => void = () => undefined;
  let controller: AbortController | undefined;
  const waiting = new Map<string, (decision: PruneDecision) => void>();
  return {
    send(message) {
      if (message.type === 'decision') {
        const key = `${message.index}:${message.epoch}`;
        waiting.get(key)?.(message.decision);
        waiting.delete(key);
        return;
      }
      if (message.type === 'abort') return controller?.abort();
      const { index } = message;
      const current = new AbortController();
      controller = current;
      const input: TrialJobInput = { module: message.module, index, input: encodeTrialValue(message.input) };
      queue
        .runJob(
          { module: jobModule, export: 'runTrialJob', input, label: `trial ${index}` },
          {
            signal: current.signal,
            onReport: (report) =>
              new Promise<PruneDecision>((resolve) => {
                const { epoch, metrics } = decodeTrialValue(report as string) as { epoch: number; metrics: Record<string, number> };
                const key = `${index}:${epoch}`;
                waiting.get(key)?.('continue'); // a lost attempt's report of the same epoch, if it is still waiting
                waiting.set(key, resolve);
                deliver({ type: 'epoch', index, epoch, metrics });
              }),
          },
        )
        .then(
          (result) => deliver(decodeTrialValue(result as string) as WorkerMessage),
          (error: unknown) =>
            deliver({
              type: 'failed',
              index,
              error: { code: MlpError.isInstance(error) ? error.code : 'INTERNAL', message: (error as Error).message ?? String(error) },
            }),
        );
    },
    onMessage(handler) {
      deliver = handler;
    },
    // A queued trial has no worker of its own to exit: a dead worker's trial runs again elsewhere.
    onExit() {},
    terminate() {
      controller?.abort();
    },
  };
}
