import { describe, expect, it } from 'vitest';
import { ConnectivityMonitor, type ProbeOutcome } from '../../electron/core/connectivity/monitor.ts';

// The monitor with a real timer and a probe whose answer the test controls (SeQura's reachability).
describe('connectivity monitor', () => {
  it('after a real call fails while idle, re-probes at the fast interval and reports SeQura back quickly', async () => {
    let reachable = true;
    let probes = 0;
    const monitor = new ConnectivityMonitor({
      probe: async (): Promise<ProbeOutcome> => {
        probes += 1;
        return reachable ? { reachable: true } : { reachable: false, offline: false, errorName: 'ECONNRESET' };
      },
      slowIntervalMs: 60_000,
      unreachableIntervalMs: 50,
    });
    monitor.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(monitor.snapshot().state).toBe('online');
    const probesWhileIdle = probes;
    // A sale's call fails: SeQura is unreachable. Then it comes back.
    reachable = false;
    monitor.reportFailure(false, 'ECONNRESET');
    expect(monitor.snapshot().state).toBe('unreachable');
    reachable = true;
    await new Promise((r) => setTimeout(r, 300));
    expect(probes).toBeGreaterThan(probesWhileIdle);
    expect(monitor.snapshot().state).toBe('online');
    monitor.stop();
  });
});
