// Typed errors of the SeQura client, and the pure functions that turn a transport failure or an HTTP answer
// into one. Everything here runs without a network so the mapping can be unit-tested on its own.
//
// Secrets and personal data: a SequraError never holds a request body, a header, a URL, or the raw error it
// came from (ky's HTTPError/TimeoutError carry the Request, whose headers include `Authorization`). Server
// messages are kept (the cashier needs "why SeQura refused"), with the API credentials redacted by the client;
// `toErrorSummary` additionally masks anything that looks like an e-mail, a phone number or a Spanish NIN.
import { redactText } from '../log/redact.ts';

export type SequraErrorKind =
  | 'validation' // SeQura refused the content (409 "Invalid data: …" on POST /orders, form_deliveries, E6; 400/422)
  | 'conflict' // 409 from the state machine on PUT /orders/{uuid}: not approved yet, cart changed, duplicate ref…
  | 'unauthorized' // 401 (plain-text body "HTTP Basic: Access denied.")
  | 'forbidden' // 403 JSON: merchant id / order not owned by these credentials
  | 'not_found' // 404 (HTML body)
  | 'rate_limited' // 429 (+ Retry-After)
  | 'server' // 5xx
  | 'offline' // nothing reached SeQura: DNS, refused, TLS, proxy, no network (or any connection failure on a read)
  | 'timeout' // a read got no answer in time
  | 'unknown_outcome' // a write was (maybe) sent and no answer came back: SeQura may or may not have applied it
  | 'unexpected_response' // an answer whose status or body shape we do not understand
  | 'invalid_payload'; // refused locally, before anything was sent

export interface PayloadIssue {
  path: string;
  message: string;
  code?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface SequraErrorInit {
  kind: SequraErrorKind;
  message: string;
  retryable?: boolean;
  status?: number;
  messages?: string[];
  retryAfterMs?: number;
  networkCode?: string;
  issues?: PayloadIssue[];
  operation?: string;
}

const DEFAULT_RETRYABLE: Record<SequraErrorKind, boolean> = {
  validation: false,
  conflict: false,
  unauthorized: false,
  forbidden: false,
  not_found: false,
  rate_limited: true,
  server: true,
  offline: true,
  timeout: true,
  unknown_outcome: false, // depends on the method: see unknownOutcomeRetryable()
  unexpected_response: false,
  invalid_payload: false,
};

export class SequraError extends Error {
  override readonly name = 'SequraError';
  readonly kind: SequraErrorKind;
  /** Safe to send the same request again (after `retryAfterMs` when set). */
  readonly retryable: boolean;
  /** HTTP status when SeQura (or something in between) answered. */
  readonly status: number | undefined;
  /** Messages from SeQura's `errors` array (or the 401 text), credentials redacted. */
  readonly messages: string[];
  /** From `Retry-After` (429/503). */
  readonly retryAfterMs: number | undefined;
  /** `ECONNREFUSED`, `UND_ERR_SOCKET`, `net::ERR_INTERNET_DISCONNECTED`, `TIMEOUT`… for transport failures. */
  readonly networkCode: string | undefined;
  /** zod issues for `invalid_payload` (our payload) and `unexpected_response` (their body). */
  readonly issues: PayloadIssue[];
  /** Client method that failed, e.g. `startSolicitation`. */
  readonly operation: string | undefined;

  constructor(init: SequraErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.retryable = init.retryable ?? DEFAULT_RETRYABLE[init.kind];
    this.status = init.status;
    this.messages = init.messages ?? [];
    this.retryAfterMs = init.retryAfterMs;
    this.networkCode = init.networkCode;
    this.issues = init.issues ?? [];
    this.operation = init.operation;
  }
}

export function isSequraError(error: unknown): error is SequraError {
  return error instanceof SequraError;
}

/**
 * An unknown outcome may be retried only where a duplicate is harmless: the PUTs are full-state replacements
 * (sequra-api.md §6.2), so replaying them is safe. A POST is not: a second POST /orders creates a second solicitation
 * and a second form_deliveries sends a second SMS, so the caller must decide (the outbox records the sale as
 * "start uncertain").
 */
export function unknownOutcomeRetryable(method: HttpMethod): boolean {
  return method === 'PUT';
}

// ---------------------------------------------------------------------------------------------------------
// Transport failures (fetch rejected, no HTTP answer)
// ---------------------------------------------------------------------------------------------------------
//
// The rule ("did anything reach SeQura?"): fetch does not say whether the request bytes were written, so we
// decide from the failure's code.
//  * Failures that can only happen before a connection exists — DNS, connection refused, unreachable host or
//    network, connect timeout, TLS/certificate, proxy/tunnel, "no internet" — mean nothing was sent: `offline`,
//    retryable for every method.
//  * Anything else — reset or closed after connecting (ECONNRESET, EPIPE, UND_ERR_SOCKET "other side closed",
//    "socket hang up", net::ERR_CONNECTION_RESET/CLOSED, net::ERR_EMPTY_RESPONSE…), header/body timeouts, our
//    own timeout, and failures we do not recognise — may have happened after SeQura received the request. For a
//    write (POST/PUT) that is `unknown_outcome`; for a read it is `offline` (or `timeout`) and retryable, since
//    a GET changes nothing.
// Unrecognised failures fall on the "maybe sent" side on purpose: for a write, wrongly saying "nothing was
// sent" could duplicate a solicitation or an SMS; wrongly saying "unknown" only costs a check.

/** Node / undici codes that can only occur before the request was written. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'EPROTO', // TLS handshake failure
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH',
]);
const NOT_SENT_CODE_PREFIXES = ['ERR_TLS_', 'ERR_SSL_', 'ERR_PROXY_'];

/** Node codes that mean "the read timed out" (answer never came). */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Chromium net error names (without `net::ERR_`) that mean nothing left the machine. */
const NET_NOT_SENT = new Set([
  'INTERNET_DISCONNECTED',
  'NAME_NOT_RESOLVED',
  'NAME_RESOLUTION_FAILED',
  'CONNECTION_REFUSED',
  'CONNECTION_FAILED',
  'CONNECTION_TIMED_OUT', // TCP connect timed out
  'ADDRESS_UNREACHABLE',
  'ADDRESS_INVALID',
  'NETWORK_ACCESS_DENIED',
  'NETWORK_IO_SUSPENDED',
  'TUNNEL_CONNECTION_FAILED',
  'MANDATORY_PROXY_CONFIGURATION_FAILED',
  'BAD_SSL_CLIENT_AUTH_CERT',
  'CERTIFICATE_TRANSPARENCY_REQUIRED',
  'ICANN_NAME_COLLISION',
  'BLOCKED_BY_ADMINISTRATOR',
  'UNSAFE_PORT',
]);
const NET_NOT_SENT_PREFIXES = ['PROXY_', 'SOCKS_', 'CERT_', 'SSL_', 'DNS_'];
const NET_TIMEOUT = new Set(['TIMED_OUT']);

const NET_ERR_RE = /net::ERR_[A-Z0-9_]+/;

interface TransportFacts {
  /** Most specific code found: a `net::ERR_*` name or a Node/undici `code`. */
  networkCode: string | undefined;
  phase: 'not_sent' | 'maybe_sent';
  timedOut: boolean;
}

function collectFailureFacts(error: unknown): {
  codes: string[];
  netErrors: string[];
  syscalls: string[];
  messages: string[];
} {
  const codes: string[] = [];
  const netErrors: string[] = [];
  const syscalls: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || value === undefined || depth > 6 || seen.has(value)) return;
    seen.add(value);
    if (typeof value === 'string') {
      const m = NET_ERR_RE.exec(value);
      if (m) netErrors.push(m[0]);
      messages.push(value);
      return;
    }
    if (typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.code === 'string') codes.push(record.code);
    if (typeof record.syscall === 'string') syscalls.push(record.syscall);
    if (typeof record.message === 'string') visit(record.message, depth + 1);
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner, depth + 1); // AggregateError
  };
  visit(error, 0);
  return { codes, netErrors, syscalls, messages };
}

/** Pure: what a rejected fetch tells us about whether the request reached SeQura. */
export function describeTransportFailure(error: unknown): TransportFacts {
  const { codes, netErrors, syscalls, messages } = collectFailureFacts(error);

  const net = netErrors[0];
  if (net) {
    const name = net.slice('net::ERR_'.length);
    const notSent = NET_NOT_SENT.has(name) || NET_NOT_SENT_PREFIXES.some((p) => name.startsWith(p));
    return { networkCode: net, phase: notSent ? 'not_sent' : 'maybe_sent', timedOut: NET_TIMEOUT.has(name) };
  }

  // Prefer a code that proves "not sent" (an AggregateError from happy-eyeballs may list several).
  const notSentCode = codes.find((c) => NOT_SENT_CODES.has(c) || NOT_SENT_CODE_PREFIXES.some((p) => c.startsWith(p)));
  if (notSentCode) return { networkCode: notSentCode, phase: 'not_sent', timedOut: false };
  // A failing connect()/DNS syscall (e.g. `connect ETIMEDOUT`) never wrote the request.
  if (syscalls.some((s) => s === 'connect' || s === 'getaddrinfo' || s === 'getaddrinfo_all' || s === 'queryA')) {
    return { networkCode: codes[0], phase: 'not_sent', timedOut: false };
  }
  // fetch refuses "bad ports" (spec-blocked, e.g. 9, 6000) before opening any connection.
  if (messages.some((m) => /^bad port$/i.test(m)))
    return { networkCode: 'BAD_PORT', phase: 'not_sent', timedOut: false };
  const specific = codes.find((c) => c.startsWith('UND_ERR_') || c.startsWith('E')) ?? codes[0];
  const timedOut = codes.some((c) => TIMEOUT_CODES.has(c));
  if (specific) return { networkCode: specific, phase: 'maybe_sent', timedOut };
  if (messages.some((m) => /socket hang up/i.test(m)))
    return { networkCode: 'ECONNRESET', phase: 'maybe_sent', timedOut: false };
  return { networkCode: undefined, phase: 'maybe_sent', timedOut: false };
}

function operationLabel(operation: string | undefined): string {
  return operation ? `SeQura ${operation}` : 'SeQura request';
}

/** Map a rejected fetch (transport failure, no HTTP answer) to a SequraError for the given method. */
export function transportError(error: unknown, method: HttpMethod, operation?: string): SequraError {
  const facts = describeTransportFailure(error);
  const what = operationLabel(operation);
  const code = facts.networkCode ? ` (${facts.networkCode})` : '';
  if (facts.phase === 'not_sent') {
    return new SequraError({
      kind: 'offline',
      message: `${what}: SeQura could not be reached${code}; nothing was sent`,
      networkCode: facts.networkCode,
      operation,
    });
  }
  if (method !== 'GET') {
    return new SequraError({
      kind: 'unknown_outcome',
      retryable: unknownOutcomeRetryable(method),
      message: `${what}: the connection failed after the request may have been sent${code}; SeQura may or may not have applied it`,
      networkCode: facts.networkCode,
      operation,
    });
  }
  if (facts.timedOut) {
    return new SequraError({
      kind: 'timeout',
      message: `${what}: no answer from SeQura${code}`,
      networkCode: facts.networkCode,
      operation,
    });
  }
  return new SequraError({
    kind: 'offline',
    message: `${what}: the connection to SeQura failed${code}`,
    networkCode: facts.networkCode,
    operation,
  });
}

/** Our own deadline fired (ky TimeoutError): a read timed out; a write's outcome is unknown. */
export function timeoutError(method: HttpMethod, timeoutMs: number, operation?: string): SequraError {
  const what = operationLabel(operation);
  if (method === 'GET') {
    return new SequraError({
      kind: 'timeout',
      message: `${what}: no answer within ${timeoutMs} ms`,
      networkCode: 'TIMEOUT',
      operation,
    });
  }
  return new SequraError({
    kind: 'unknown_outcome',
    retryable: unknownOutcomeRetryable(method),
    message: `${what}: no answer within ${timeoutMs} ms after sending; SeQura may or may not have applied it`,
    networkCode: 'TIMEOUT',
    operation,
  });
}

// ---------------------------------------------------------------------------------------------------------
// HTTP answers
// ---------------------------------------------------------------------------------------------------------

/** `Retry-After` as delta-seconds or an HTTP date → milliseconds from `now` (never negative). */
export function parseRetryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/[a-z]/i.test(trimmed)) return undefined; // "-5", "1e3": not a valid Retry-After
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface HttpFailureInput {
  status: number;
  operation?: string;
  /** Server messages already extracted from a valid `{errors: […]}` body (or the 401 text). */
  messages: string[];
  /** Set when the body should have been `{errors: […]}` and was not. */
  bodyIssues?: PayloadIssue[];
  retryAfter?: string | null;
  /** Refines a 409 into `conflict` (state machine) instead of `validation` (content). */
  conflictOn409?: boolean;
  now?: number;
}

/** Pure: the SequraError for a non-2xx answer. */
export function httpError(input: HttpFailureInput): SequraError {
  const { status, operation, messages } = input;
  const what = operationLabel(operation);
  const detail = messages.length > 0 ? `: ${messages.join('. ')}` : '';
  const base = { status, messages, operation };

  if (input.bodyIssues && input.bodyIssues.length > 0) {
    return new SequraError({
      ...base,
      kind: 'unexpected_response',
      message: `${what}: SeQura answered ${status} with a body that is not SeQura's error format`,
      issues: input.bodyIssues,
    });
  }
  if (status === 401) {
    return new SequraError({
      ...base,
      kind: 'unauthorized',
      message: `${what}: SeQura refused the API credentials (401)${detail}`,
    });
  }
  if (status === 403) {
    return new SequraError({ ...base, kind: 'forbidden', message: `${what}: access forbidden (403)${detail}` });
  }
  if (status === 404) {
    return new SequraError({ ...base, kind: 'not_found', message: `${what}: not found (404)` });
  }
  if (status === 409) {
    // SeQura's documented content errors start "Invalid data:"; other 409s on the confirm/reference PUT come
    // from its state machine. Both are final; the split only helps the cashier's message.
    const contentError = messages.length > 0 && messages.every((m) => /^invalid data\b/i.test(m));
    const kind: SequraErrorKind = input.conflictOn409 && !contentError ? 'conflict' : 'validation';
    return new SequraError({ ...base, kind, message: `${what}: SeQura refused the request (409)${detail}` });
  }
  if (status === 400 || status === 422) {
    return new SequraError({
      ...base,
      kind: 'validation',
      message: `${what}: SeQura refused the request (${status})${detail}`,
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(input.retryAfter, input.now);
    return new SequraError({
      ...base,
      kind: 'rate_limited',
      retryAfterMs,
      message: `${what}: rate limited by SeQura (429)${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ''}${detail}`,
    });
  }
  if (status >= 500 && status <= 599) {
    const retryAfterMs = parseRetryAfterMs(input.retryAfter, input.now);
    return new SequraError({
      ...base,
      kind: 'server',
      retryAfterMs,
      message: `${what}: SeQura server error (${status})`,
    });
  }
  return new SequraError({
    ...base,
    kind: 'unexpected_response',
    message: `${what}: unexpected HTTP status ${status}`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Summaries for the core and logs
// ---------------------------------------------------------------------------------------------------------

/** A client failure safe to keep and show: what kind it was, a redacted message, whether trying again helps. */
export interface ErrorSummary {
  kind: SequraErrorKind | 'not_a_sequra_error';
  message: string;
  retryable: boolean;
}

const MAX_SUMMARY_LENGTH = 500;

/**
 * `{ kind, message, retryable }` for the core and for logs: no request bodies, no headers, no URLs (the
 * SequraError never holds them), and personal data masked in the server and validation messages it quotes.
 * What a kind means for the cashier is the core's decision (electron/core/errors.ts), not the client's.
 */
export function toErrorSummary(error: unknown): ErrorSummary {
  if (!isSequraError(error)) {
    return { kind: 'not_a_sequra_error', message: 'Unexpected error in the SeQura client', retryable: false };
  }
  let message = error.message;
  if (error.kind === 'invalid_payload' && error.issues.length > 0) {
    const shown = error.issues.slice(0, 5).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    const more = error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : '';
    message = `${error.message}: ${shown.join('; ')}${more}`;
  }
  message = redactText(message);
  if (message.length > MAX_SUMMARY_LENGTH) message = `${message.slice(0, MAX_SUMMARY_LENGTH - 1)}…`;
  return { kind: error.kind, message, retryable: error.retryable };
}
