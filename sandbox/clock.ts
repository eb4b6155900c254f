// The sandbox's time. Everything time-based (solicitation and approval expiry, review delays, the SMS window,
// Retry-After, partitions) reads this clock, never the wall clock, so a test moves time forward instead of
// sleeping. Time only moves forward: advancing adds to an offset over the injected source.

export interface SandboxClock {
  /** Milliseconds since the epoch, as the sandbox sees them. */
  now(): number;
  /** Moves the sandbox's time forward (POST /__sandbox/clock in the full sandbox). */
  advance(ms: number): void;
}

export function createSandboxClock(source: () => number = Date.now): SandboxClock {
  let offsetMs = 0;
  return {
    now: () => source() + offsetMs,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`The sandbox clock only moves forward, not by ${ms} ms`);
      offsetMs += ms;
    },
  };
}
