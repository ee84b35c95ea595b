import { deserialize, serialize } from 'node:v8';
import type { JobContext } from '@mlp/core';
import type { ParentMessage, PruneDecision, WorkerMessage } from './trial-protocol.js';
import { serveTrials } from './trial-runner.js';

/** A trial as a queued job: its worker module, index, and input as structured-clone bytes (tables hold Maps and Dates). */
export interface TrialJobInput {
  module: string;
  index: number;
  /** `encodeTrialValue(input)`. */
  input: string;
}

/** A value the structured clone carries (Map, Date, typed arrays, NaN) as JSON text: v8's serialisation, base64. */
export function encodeTrialValue(value: unknown): string {
  return serialize(value).toString('base64');
}

export function decodeTrialValue(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

/**
 * The job a queued trial is (`mlp worker` calls it): the same `serveTrials` a worker thread or child
 * process runs, over a channel whose epoch reports go to the search through the job's `report`
 * (the search's pruner answers) and whose outcome message is the job's result.
 */
export async function runTrialJob(input: unknown, context: JobContext): Promise<string> {
  const job = input as TrialJobInput;
  return new Promise<string>((resolve) => {
    let deliver: (message: ParentMessage) => void = () => undefined;
    const abort = () => deliver({ type: 'abort' });
    context.signal.addEventListener('abort', abort, { once: true });
    serveTrials({
      send(message: WorkerMessage) {
        if (message.type === 'epoch') {
          const { index, epoch, metrics } = message;
          context.report(encodeTrialValue({ epoch, metrics })).then(
            (decision) => deliver({ type: 'decision', index, epoch, decision: decision === 'prune' ? 'prune' : 'continue' }),
            // The search is gone or gave this attempt up: stop the trial; its outcome is fenced out.
            () => {
              deliver({ type: 'abort' });
              deliver({ type: 'decision', index, epoch, decision: 'prune' satisfies PruneDecision });
            },
          );
          return;
        }
        context.signal.removeEventListener('abort', abort);
        resolve(encodeTrialValue(message));
      },
      onMessage(handler) {
        deliver = handler;
      },
    });
    deliver({ type: 'run', index: job.index, module: job.module, input: decodeTrialValue(job.input) });
  });
}
