/** The messages between a trial pool and its workers (structured-clone values both ways). */

export type PruneDecision = 'continue' | 'prune';

export interface TrialError {
  code: string;
  message: string;
}

export type ParentMessage =
  | { type: 'run'; index: number; module: string; input: unknown }
  | { type: 'decision'; index: number; epoch: number; decision: PruneDecision }
  | { type: 'abort' };

export type WorkerMessage =
  | { type: 'epoch'; index: number; epoch: number; metrics: Record<string, number> }
  | { type: 'finished'; index: number; result: unknown }
  | { type: 'failed'; index: number; error: TrialError }
  | { type: 'pruned'; index: number; epoch: number };

/** How a trial pool reaches one worker: a worker thread, a forked process, or jobs on a job queue. */
export interface TrialTransport {
  send(message: ParentMessage): void;
  onMessage(handler: (message: WorkerMessage) => void): void;
  onExit(handler: (description: string) => void): void;
  terminate(): void;
}

/** What a worker module gets besides its input. */
export interface TrialContext {
  /** Report an epoch (1-based); resolves with 'prune' when the trial should stop and return. */
  onEpoch(epoch: number, metrics: Record<string, number>): Promise<PruneDecision>;
  /** Aborted when the search is aborted. */
  signal: AbortSignal;
}

/** The default export of a worker module. */
export type TrialFunction = (input: unknown, context: TrialContext) => Promise<unknown>;
