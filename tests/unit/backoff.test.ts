import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, nextDelayMs } from '../../electron/core/outbox/backoff.ts';

// The outbox's retry spacing: capped exponential with full jitter, Retry-After as a floor.
const policy = { baseMs: 1_000, capMs: 60_000 };

describe('nextDelayMs', () => {
  it('draws from [0, base·2^attempts) — full jitter, so tills back from one outage do not retry in step', () => {
    expect(nextDelayMs(0, policy, () => 0)).toBe(0);
    expect(nextDelayMs(0, policy, () => 0.999_999)).toBe(999);
    expect(nextDelayMs(1, policy, () => 0.5)).toBe(1_000);
    expect(nextDelayMs(3, policy, () => 0.5)).toBe(4_000);
    expect(nextDelayMs(3, policy, () => 0.999_999)).toBe(7_999);
  });

  it('is capped, however many attempts (no overflow for absurd counts)', () => {
    expect(nextDelayMs(6, policy, () => 0.999_999)).toBe(59_999);
    expect(nextDelayMs(40, policy, () => 0.999_999)).toBe(59_999);
    expect(nextDelayMs(1_000_000, policy, () => 0.5)).toBe(30_000);
    expect(Number.isFinite(nextDelayMs(Number.MAX_SAFE_INTEGER, DEFAULT_BACKOFF, Math.random))).toBe(true);
  });

  it('never retries before SeQura’s Retry-After, even when the jittered delay is shorter', () => {
    expect(nextDelayMs(0, policy, () => 0, 5_000)).toBe(5_000);
    expect(nextDelayMs(5, policy, () => 0.999_999, 5_000)).toBe(31_999);
    // A Retry-After beyond the cap wins over the cap: SeQura said when.
    expect(nextDelayMs(5, policy, () => 0.5, 120_000)).toBe(120_000);
    expect(nextDelayMs(2, policy, () => 0.5, null)).toBe(2_000);
  });

  it('spreads real draws over the whole window (mean ≈ half the ceiling)', () => {
    const draws = Array.from({ length: 20_000 }, () => nextDelayMs(4, policy, Math.random));
    const ceiling = 16_000;
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(ceiling);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(ceiling * 0.45);
    expect(mean).toBeLessThan(ceiling * 0.55);
    // Not bunched: every eighth of the window gets a fair share.
    const buckets = new Array(8).fill(0);
    for (const d of draws) buckets[Math.floor((d / ceiling) * 8)] += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(draws.length / 8 / 1.3);
  });

  it('uses a 1 s base and a 5 min cap by default', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 1_000, capMs: 300_000 });
  });
});
