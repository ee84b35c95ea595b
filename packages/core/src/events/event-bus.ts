import type { DbExecutor } from '../db/database.js';

export interface MlpEvent<Payload = unknown> {
  /** Position in the outbox, as a decimal string (a bigint in the database). */
  id: string;
  type: string;
  payload: Payload;
  createdAt: Date;
}

export interface PublishOptions {
  /** Publish inside this transaction, so the event exists exactly when the change it announces does. */
  tx?: DbExecutor;
}

export interface SubscribeOptions {
  /** Durable name of the consumer; its cursor is stored under this name and survives restarts. */
  consumer: string;
  /** Event types to receive; `*` for all. */
  types: readonly string[] | '*';
  /** Events fetched per round trip. */
  batchSize?: number;
  /** Fallback polling interval when no notification arrives. */
  pollIntervalMs?: number;
  /** Stops the subscription when aborted. */
  signal?: AbortSignal;
  /** Called when a handler throws; the event is retried after `retryDelayMs`. */
  onError?: (error: unknown, event: MlpEvent) => void;
  retryDelayMs?: number;
}

export interface Subscription {
  readonly consumer: string;
  /**
   * Resolves once the subscription has taken its place: its cursor is fixed (a new consumer starts
   * after the events visible at that moment), or it stands by because another process delivers this
   * consumer. Events published after `ready` reach a new consumer; it also resolves if the
   * subscription stops first.
   */
  readonly ready: Promise<void>;
  /** Stops delivering; resolves after the handler in flight (if any) has finished. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Durable events through an outbox table. Delivery is at least once, in commit order per consumer: a
 * handler that throws or a process that dies before its cursor moves sees the event again.
 */
export interface EventBus {
  publish<Payload>(type: string, payload: Payload, options?: PublishOptions): Promise<MlpEvent<Payload>>;
  subscribe(options: SubscribeOptions, handler: (event: MlpEvent) => Promise<void> | void): Subscription;
  close(): Promise<void>;
}
