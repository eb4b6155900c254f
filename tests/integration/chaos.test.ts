import { describe, expect, it } from 'vitest';
import { runChaosTest } from '../crash/chaos-harness.ts';

// The chaos test at a small size (the full run: `npm run test:chaos`, ≥ 1,000 sales, 10-second partitions):
// several tills sell concurrently while the sandbox injects resets before and after apply, 5xx before and after
// apply, stalled bodies, 429 with Retry-After (up to 3 s here, 30 s in the full run), latency and one short
// partition; same audit as the crash test, storage audits included. Same harness code as the script.
describe('chaos test (small)', () => {
  it('keeps every invariant under seeded faults and drains the outage backlog quickly', async () => {
    const result = await runChaosTest({
      sales: 40,
      tills: 4,
      seed: 13,
      partitions: 1,
      partitionS: 3,
      gapBetweenPartitionsMs: 2_000,
      timeoutMs: 150_000,
      // The full run waits out Retry-After up to 30 s; here 3 s keeps the run short and still catches any
      // request sent before its time.
      longestRetryAfterS: 3,
    });
    expect(result.problems).toEqual([]);
    expect(result.counters).toMatchObject({
      sales: 40,
      partitions: 1,
      lost_confirmations: 0,
      duplicate_sms: 0,
      duplicate_solicitations_after_sms: 0,
      confirmed_at_sequra_unknown_to_till: 0,
      lost_handovers: 0,
      unsettled: 0,
      anomalies: 0,
      stuck: 0,
      sent_before_retry_after: 0,
      request_bursts: 0,
      extra_sms: 0,
      ticket_mismatches: 0,
      duplicate_order_refs: 0,
      shipped_not_in_history: 0,
      history_not_shipped: 0,
    });
    expect(result.counters.max_applications_per_confirmation).toBeGreaterThanOrEqual(1);
    expect(result.counters.confirmed).toBe(40);
    // Every sale was handed over: all 40 are in the tills' histories, and SeQura shipped exactly those.
    expect(result.counters.history_sales).toBe(40);
    expect(result.counters.shipped_orders).toBe(40);
    // The backlog goes as soon as SeQura answers again: it never waits out a backoff, a timer or anything but
    // the 1 s probe and a Retry-After (3 s at most here). Waiting shows as the time the process's event loop was
    // idle while the backlog drained; the time it was busy (the drain's own work, the other tills, the sandbox
    // and the cashiers all share this one process, on a CI machine that may be busy) is the benchmarks' concern
    // (bench:storage, test:chaos). So: under 3 s of waiting, and under 30 s in all (the harness's own limit).
    // At this size the partition rarely leaves a backlog (the shopper cannot approve through it either, so only
    // a call in flight when it starts is caught); `npm run test:chaos` measures it over many partitions.
    for (const [i, ms] of result.drainMs.entries()) {
      const waitedMs = (ms * (100 - result.drainBusyPercent[i]!)) / 100;
      expect(waitedMs).toBeLessThan(3_000);
      expect(ms).toBeLessThan(30_000);
    }
  }, 200_000);
});
