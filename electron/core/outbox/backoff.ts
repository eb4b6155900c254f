// Capped exponential backoff with full jitter (a random delay in [0, min(cap, base·2^attempt)]), so tills
// coming back from one outage do not retry in lockstep. SeQura's Retry-After, when given, is a floor.
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000 };

export function nextDelayMs(
  attempts: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number | null,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempts, 30));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
