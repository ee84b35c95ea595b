/** Whether an HTTP status is worth retrying: rate limiting and server-side failures, never a 4xx verdict. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

export interface BackoffOptions {
  /** The first retry waits up to this long; each later one up to twice as long. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * How long to wait before retry number `attempt` (0 for the first): exponential with "equal jitter",
 * half fixed and half random, so retries spread out yet never come back at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds, or undefined. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
