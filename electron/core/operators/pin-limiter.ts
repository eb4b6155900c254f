import type { TillDatabase } from '../db/database.ts';

// Wrong PINs are rate limited per key (one operator id, or "any manager PIN") and till-wide, and the state
// lives in the till database (`pin_attempts`): restarting the app must not hand out a fresh set of guesses,
// and a half-written file can no longer reset the counters.
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

export const TILL_WIDE_KEY = 'till';

export interface FailureOutcome {
  /** When the next attempt is allowed again, if this failure started (or extended) a lockout. */
  lockedUntil: Date | null;
  /** Wrong PINs left before a lockout starts (0 once locked). */
  attemptsLeft: number;
}

interface KeyRow {
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string | null;
}

export class PinLimiter {
  constructor(
    private readonly db: TillDatabase,
    private readonly clock: () => Date,
    private readonly policy: LimiterPolicy = DEFAULT_LIMITER_POLICY,
  ) {}

  private keys(): Record<string, KeyState> {
    const rows = this.db.read(() => this.db.sql.prepare<[], KeyRow>('SELECT * FROM pin_attempts').all());
    return Object.fromEntries(
      rows.map((row) => [
        row.key,
        { failures: row.failures, lockedUntil: row.locked_until, lastFailureAt: row.last_failure_at },
      ]),
    );
  }

  /** Replaces every counter in one transaction (the decisions above work on the whole set, as before). */
  private saveKeys(keys: Record<string, KeyState>): void {
    this.db.write(() => {
      this.db.sql.prepare('DELETE FROM pin_attempts').run();
      const insert = this.db.sql.prepare(
        'INSERT INTO pin_attempts (key, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)',
      );
      for (const [key, state] of Object.entries(keys))
        insert.run(key, state.failures, state.lockedUntil, state.lastFailureAt);
    });
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
    this.saveKeys(keys);
    const candidates = [own.until, tillWide.until].filter((d): d is Date => d !== null);
    const lockedUntil = candidates.length ? new Date(Math.max(...candidates.map((d) => d.getTime()))) : null;
    return { lockedUntil, attemptsLeft: Math.min(own.left, tillWide.left) };
  }

  recordSuccess(key: string): void {
    const keys = this.keys();
    if (!keys[key] && !keys[TILL_WIDE_KEY]) return;
    delete keys[key];
    delete keys[TILL_WIDE_KEY];
    this.saveKeys(keys);
  }
}
