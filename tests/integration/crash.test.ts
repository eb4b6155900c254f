import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../crash/crash-harness.ts';
import { auditEntries, removeDir } from '../support/till.ts';

// The crash test at a small size (the full run: `npm run test:crash`, ≥ 200 kills): a real child process runs
// the core and a cashier against the sandbox and is SIGKILLed at random points across every step, restarted,
// and left to resume; then the till's files are audited against the sandbox's own orders and request log
// (definitions in tests/crash/audit.ts). Same harness code as the script.
describe('crash test (small)', () => {
  it('loses no confirmation and duplicates no SMS, solicitation or confirmation across 15 SIGKILLs', async () => {
    // The bound only catches a run that stops making progress: each of the 16 lives starts a Node process and
    // the core (measured 2.5-3 s to signed in at a load of 18 on two cores, ~10 s at 20+) before its kill can
    // land in a sale.
    const result = await runCrashTest({ sales: 25, kills: 15, seed: 11, timeoutMs: 240_000, keepDataDir: true });
    let entries: Array<Record<string, unknown>>;
    try {
      entries = auditEntries(result.dataDir);
    } finally {
      removeDir(result.dataDir);
    }
    // The audit head file lags the log by up to 100 ms of entries, so many kills leave it behind: a restart
    // must take that for a crash, never for a cut log (it would write an audit.chain_alarm entry).
    expect(entries.filter((entry) => entry.action === 'audit.chain_alarm')).toEqual([]);
    expect(entries.length).toBeGreaterThan(100);
    expect(result.problems).toEqual([]);
    expect(result.counters).toMatchObject({
      kills: 15,
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
    expect(result.counters.sales).toBeGreaterThanOrEqual(25);
    expect(result.counters.confirmed).toBe(result.counters.sales);
    // Every sale ends handed over and in the till's history, and SeQura shipped exactly those.
    expect(result.counters.history_sales).toBe(result.counters.sales);
    expect(result.counters.shipped_orders).toBe(result.counters.sales);
    expect(result.summary).toMatch(
      /^crash: sales=\d+ kills=15 confirmed=\d+ lost_confirmations=0 duplicate_sms=0 duplicate_solicitations_after_sms=0 confirmed_at_sequra_unknown_to_till=0/,
    );
  }, 270_000);
});
