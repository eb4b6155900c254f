// Bounded log of SeQura requests for audits (GET /__sandbox/requests). A ring buffer keeps memory flat during
// long load and chaos runs; only the most recent `limit` entries survive.

export interface RequestLogEntry {
  method: string;
  path: string;
  /** null when the connection was dropped or the request hung: the client never got an answer. */
  status: number | null;
  at: string;
  order_uuid: string | null;
  body_sha256: string | null;
  /**
   * The injected fault, if any: 'latency', 'error', 'rate_limit', 'reset_before', 'reset_after', 'error_after',
   * 'stall_after', 'hang', 'partition'.
   */
  fault: string | null;
  /**
   * What identifies the request's order for rate limiting: method and path for order and order-update
   * endpoints, `POST /orders#<cart_ref>` for a solicitation; null for merchant-wide calls.
   */
  order_key: string | null;
  /** The Retry-After (seconds) of a 429 answer. */
  retry_after_s: number | null;
  /** It arrived before the Retry-After of an earlier 429 for the same order_key had passed. */
  before_retry_after: boolean;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private next = 0;

  constructor(private readonly limit: number) {}

  add(entry: RequestLogEntry): void {
    if (this.entries.length < this.limit) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
  }

  /** Oldest first. */
  toArray(): RequestLogEntry[] {
    if (this.entries.length < this.limit || this.next === 0) return [...this.entries];
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  clear(): void {
    this.entries = [];
    this.next = 0;
  }
}
