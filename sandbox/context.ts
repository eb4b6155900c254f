// What every handler receives: the parsed request and the sandbox it runs in.
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxClock } from './clock.ts';
import type { SandboxSettings } from './settings.ts';
import type { OrderStore } from './state.ts';
import type { FaultInjector } from './faults.ts';
import type { RequestLog } from './request-log.ts';

export interface RequestContext {
  method: string;
  pathname: string;
  /** Path segments, still percent-encoded: `/merchants/m/orders/A14%2F1` keeps the escaped ref in one segment. */
  segments: string[];
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  nowMs: number;
  /** Filled in by handlers so the request log can tie the request to an order. */
  orderUuid: string | null;
}

export interface SandboxRuntime {
  settings: SandboxSettings;
  /** The sandbox's time: handlers read `ctx.nowMs`, taken from it when the request arrived. */
  clock: SandboxClock;
  store: OrderStore;
  /** Null in the training sandbox, which has no fault injection. */
  faults: FaultInjector | null;
  requestLog: RequestLog;
  /** Known once the server listens (port 0 picks a free port). */
  baseUrl: string;
  /** order_key → when its last 429's Retry-After passes (ms), for the early-retry rule. */
  retryAfterUntil: Map<string, number>;
  /** Cuts the connections of requests the fault layer is holding (hung), used when a partition starts. */
  dropHeldConnections(): void;
}

export function splitPath(pathname: string): string[] {
  return pathname.split('/').slice(1);
}

export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
