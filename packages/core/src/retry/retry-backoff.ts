export interface BackoffOptions {
  /** The ceiling of the first retry's wait; each later ceiling is twice the one before. */
  baseDelayMs: number;
  /** The highest ceiling. */
  maxDelayMs: number;
}

/**
 * How long to wait before retry number `attempt` (0 for the first): exponential, capped, with "full
 * jitter" (uniform between 0 and the ceiling), which spreads clients coming back after an outage
 * the most (AWS Architecture Blog, "Exponential Backoff And Jitter"). The one backoff of mlp: the
 * MLflow client and webhook delivery both wait with it.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}

/** Whether an HTTP status is worth retrying: rate limiting and server-side failures, never a 4xx verdict. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds, or undefined. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
