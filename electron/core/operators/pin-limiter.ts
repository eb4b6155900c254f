import type { KeyValueStore, StoreFactory } from '../storage/store.ts';

// Wrong PINs are rate limited per key (one operator id, or "any manager PIN") and till-wide, and the state
// lives in its own small file: restarting the app must not hand out a fresh set of guesses.
//
// Policy: the `lockAfter`-th wrong PIN in a row locks the key for `baseDelayMs`, and each further one (tried
// once the lock has passed) doubles the delay (30 s, 1 min, 2 min, …) up to `maxDelayMs`. A right PIN clears
// the key. The till-wide counter has a higher threshold so that cycling through operator ids does not
// multiply the guesses.
export interface LimiterPolicy {
  lockAfter: number;
  tillWideLockAfter: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LIMITER_POLICY: LimiterPolicy = {
  lockAfter: 5,
  tillWideLockAfter: 15,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
};

interface KeyState {
  failures: number;
  lockedUntil: string | null;
  lastFailureAt: string | null;
}

export interface LimiterFile extends Record<string, unknown> {
  schemaVersion: 1;
  keys: Record<string, KeyState>;
}

export const TILL_WIDE_KEY = 'till';

export interface FailureOutcome {
  /** When the next attempt is allowed again, if this failure started (or extended) a lockout. */
  lockedUntil: Date | null;
  /** Wrong PINs left before a lockout starts (0 once locked). */
  attemptsLeft: number;
}

export class PinLimiter {
  private readonly store: KeyValueStore<LimiterFile>;

  constructor(
    createStore: StoreFactory,
    dataDir: string,
    private readonly clock: () => Date,
    private readonly policy: LimiterPolicy = DEFAULT_LIMITER_POLICY,
  ) {
    this.store = createStore<LimiterFile>({
      name: 'pin-attempts',
      cwd: dataDir,
      defaults: { schemaVersion: 1, keys: {} },
    });
  }

  private keys(): Record<string, KeyState> {
    return { ...this.store.get('keys') };
  }

  /** The latest time any of these keys is locked until, if that is still in the future. */
  lockedUntil(key: string): Date | null {
    const keys = this.keys();
    const now = this.clock().getTime();
    let latest: number | null = null;
    for (const name of [key, TILL_WIDE_KEY]) {
      const until = keys[name]?.lockedUntil ? Date.parse(keys[name]!.lockedUntil!) : NaN;
      if (Number.isFinite(until) && until > now && (latest === null || until > latest)) latest = until;
    }
    return latest === null ? null : new Date(latest);
  }

  recordFailure(key: string): FailureOutcome {
    const keys = this.keys();
    const now = this.clock();
    const bump = (name: string, lockAfter: number): { until: Date | null; left: number } => {
      const previous = keys[name] ?? { failures: 0, lockedUntil: null, lastFailureAt: null };
      const failures = previous.failures + 1;
      const over = failures - lockAfter;
      const until =
        over >= 0
          ? new Date(now.getTime() + Math.min(this.policy.baseDelayMs * 2 ** over, this.policy.maxDelayMs))
          : null;
      keys[name] = {
        failures,
        lockedUntil: until ? until.toISOString() : previous.lockedUntil,
        lastFailureAt: now.toISOString(),
      };
      return { until, left: Math.max(0, lockAfter - failures) };
    };
    const own = bump(key, this.policy.lockAfter);
    const tillWide = bump(TILL_WIDE_KEY, this.policy.tillWideLockAfter);
    this.store.set('keys', keys);
    const candidates = [own.until, tillWide.until].filter((d): d is Date => d !== null);
    const lockedUntil = candidates.length ? new Date(Math.max(...candidates.map((d) => d.getTime()))) : null;
    return { lockedUntil, attemptsLeft: Math.min(own.left, tillWide.left) };
  }

  recordSuccess(key: string): void {
    const keys = this.keys();
    if (!keys[key] && !keys[TILL_WIDE_KEY]) return;
    delete keys[key];
    delete keys[TILL_WIDE_KEY];
    this.store.set('keys', keys);
  }
}
