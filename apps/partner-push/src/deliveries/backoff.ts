export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * after the n-th failed attempt wait a uniformly random time in [0, min(cap, base * 2^(n-1))).
 * Full jitter spreads the retries of many failing deliveries so that a recovering partner is not hit
 * by all of them at once.
 */
export function backoffDelayMs(failedAttempts: number, o: BackoffOptions, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.min(n - 1, 52));
  return Math.floor(random() * ceiling);
}
