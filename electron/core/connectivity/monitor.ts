import type { Connectivity } from '../../../shared/ipc/status-schemas.ts';

// Connectivity is "SeQura answered", never navigator.onLine. Every real SeQura call reports its outcome
// here, and a light probe runs on an adaptive interval: fast while something is pending or SeQura is
// unreachable, slow when idle. Main re-arms it when the OS resumes or reports a network change.
export type ProbeOutcome = { reachable: true } | { reachable: false; offline: boolean; errorName: string };

/** What waits for SeQura: counted in the snapshot, and the probe runs at the fast interval while any does. */
export interface WaitingWork {
  pending: () => { count: number; oldestAt: string | null };
  /** Other work waiting for SeQura (a queued start or SMS): probe at the fast interval while true. */
  urgent: () => boolean;
}

/** Why the snapshot was published: a probe's answer, a real call's outcome, or the waiting work changed. */
export type ConnectivityCause = 'probe' | 'call' | 'work';
type ConnectivityListener = (snapshot: Connectivity, cause: ConnectivityCause) => void;

export interface ConnectivityMonitorOptions {
  probe: () => Promise<ProbeOutcome>;
  clock?: () => Date;
  fastIntervalMs?: number;
  slowIntervalMs?: number;
  /** While SeQura is unreachable or the till offline: how soon its return is noticed (default 1 s). */
  unreachableIntervalMs?: number;
}

export class ConnectivityMonitor {
  private state: Connectivity['state'] = 'unknown';
  private since: string | null = null;
  private lastCheckedAt: string | null = null;
  private lastError: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = 0;
  private probing: Promise<Connectivity> | null = null;
  private stopped = true;
  private readonly clock: () => Date;
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly unreachableMs: number;
  private work: WaitingWork = { pending: () => ({ count: 0, oldestAt: null }), urgent: () => false };
  private readonly listeners = new Set<ConnectivityListener>();

  constructor(private readonly options: ConnectivityMonitorOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.fastMs = options.fastIntervalMs ?? 3_000;
    this.slowMs = options.slowIntervalMs ?? 60_000;
    // Queued work goes (and the outbox wakes) on the first answer after an outage, so the probe interval
    // during one bounds how long after SeQura's return the backlog starts to drain: one request a second
    // per till is cheap, and keeps that under the 2 s the chaos test holds us to.
    this.unreachableMs = options.unreachableIntervalMs ?? 1_000;
  }

  /** The outbox and the sales queue, once they exist (they report through this monitor's client). */
  watch(work: WaitingWork): void {
    this.work = work;
  }

  subscribe(listener: ConnectivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.checkNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  snapshot(): Connectivity {
    const pending = this.work.pending();
    return {
      state: this.state,
      since: this.since,
      lastCheckedAt: this.lastCheckedAt,
      lastError: this.lastError,
      pendingCount: pending.count,
      oldestPendingAt: pending.oldestAt,
    };
  }

  /** A real SeQura call got an HTTP answer (any status: even a 409 proves SeQura is there). */
  reportAnswered(): void {
    this.record({ reachable: true }, 'call');
  }

  reportFailure(offline: boolean, errorName: string): void {
    this.record({ reachable: false, offline, errorName }, 'call');
    // A real call just failed: probe at the unreachable interval from now on, not at the idle one that was
    // scheduled while everything was fine (the pill would otherwise say "unreachable" for up to a minute
    // after SeQura is back).
    this.schedule();
  }

  /** The set of pending work changed (or the OS woke up): re-evaluate the probe interval now. */
  nudge(): void {
    this.publish('work');
    this.schedule();
  }

  checkNow(): Promise<Connectivity> {
    if (this.probing) return this.probing;
    this.probing = (async () => {
      try {
        this.record(await this.options.probe(), 'probe');
      } catch (error) {
        this.record(
          { reachable: false, offline: false, errorName: error instanceof Error ? error.name : 'probe_failed' },
          'probe',
        );
      } finally {
        this.probing = null;
        this.schedule();
      }
      return this.snapshot();
    })();
    return this.probing;
  }

  private record(outcome: ProbeOutcome, cause: ConnectivityCause): void {
    const now = this.clock().toISOString();
    const next: Connectivity['state'] = outcome.reachable ? 'online' : outcome.offline ? 'offline' : 'unreachable';
    this.lastCheckedAt = now;
    this.lastError = outcome.reachable ? null : outcome.errorName.slice(0, 200);
    if (next !== this.state) {
      this.state = next;
      this.since = now;
    }
    this.publish(cause);
  }

  private publish(cause: ConnectivityCause): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot, cause);
  }

  private schedule(): void {
    if (this.stopped) return;
    const interval =
      this.state === 'unreachable' || this.state === 'offline'
        ? this.unreachableMs
        : this.state !== 'online' || this.work.pending().count > 0 || this.work.urgent()
          ? this.fastMs
          : this.slowMs;
    const at = Date.now() + interval;
    // A nudge may bring the next probe forward (work appeared) but never pushes it back: with steady outbox
    // activity nudging every few hundred milliseconds, the probe would otherwise never run at all.
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.checkNow();
    }, interval);
    this.timer.unref?.();
  }
}
