import type { Connectivity } from '../../../shared/ipc/status-schemas.ts';
import { describeTransportFailure } from '../sequra/errors.ts';
import { redactText } from '../log/redact.ts';

// What store IT and SeQura support need when "SeQura doesn't work": the last few hundred SeQura calls as
// method, path, status, duration and the order uuid — recorded at the fetch level (so retries and refused
// requests show too), never a header or a body. Kept in memory only; written out by "Export diagnostics".
export interface RecordedCall {
  at: string;
  method: string;
  /** Path only: no query string, no host (the host is in the bundle's configuration). */
  path: string;
  status: number | null;
  durationMs: number;
  /** SeQura order uuid from the path or the Location header, when there is one. */
  uuid: string | null;
  /** Network error name when no answer came (net::ERR_*, ECONNREFUSED, ERR_OUTBOUND_REFUSED…). */
  error: string | null;
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export class Ring<T> {
  private readonly items: T[] = [];
  constructor(private readonly capacity: number) {}
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }
  all(): T[] {
    return [...this.items];
  }
}

export class CallRecorder {
  private readonly calls: Ring<RecordedCall>;

  constructor(
    private readonly clock: () => Date,
    capacity = 300,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.calls = new Ring(capacity);
  }

  recent(): RecordedCall[] {
    return this.calls.all();
  }

  /** Wraps a fetch so that each call is recorded once it is answered (or fails). */
  wrap(inner: typeof fetch): typeof fetch {
    return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const method = (
        init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')
      ).toUpperCase();
      const path = safePath(url);
      const pathUuid = UUID_RE.exec(url)?.[0] ?? null;
      const at = this.clock().toISOString();
      const started = this.now();
      try {
        const response = await inner(input, init);
        const location = response.headers.get('location');
        this.calls.push({
          at,
          method,
          path,
          status: response.status,
          durationMs: Math.round(this.now() - started),
          uuid: pathUuid ?? (location ? (UUID_RE.exec(location)?.[0] ?? null) : null),
          error: null,
        });
        return response;
      } catch (error) {
        const facts = describeTransportFailure(error);
        const name = facts.networkCode ?? (error instanceof Error ? error.name : 'unknown');
        this.calls.push({
          at,
          method,
          path,
          status: null,
          durationMs: Math.round(this.now() - started),
          uuid: pathUuid,
          error: name.slice(0, 120),
        });
        throw error;
      }
    }) as typeof fetch;
  }
}

function safePath(url: string): string {
  try {
    // Order refs and merchant ids appear in paths; personal data never should, but scrub anyway.
    return redactText(new URL(url).pathname).slice(0, 300);
  } catch {
    return '(invalid url)';
  }
}

/** Connectivity transitions (state changes only), for the diagnostics bundle. */
export class ConnectivityHistory {
  private readonly entries = new Ring<{
    at: string;
    state: Connectivity['state'];
    lastError: string | null;
    pendingCount: number;
  }>(200);
  private last: Connectivity['state'] | null = null;

  observe(snapshot: Connectivity): void {
    if (snapshot.state === this.last) return;
    this.last = snapshot.state;
    this.entries.push({
      at: snapshot.since ?? snapshot.lastCheckedAt ?? new Date().toISOString(),
      state: snapshot.state,
      lastError: snapshot.lastError,
      pendingCount: snapshot.pendingCount,
    });
  }

  all() {
    return this.entries.all();
  }
}
