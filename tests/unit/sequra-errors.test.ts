// Error mapping of the SeQura client without a network: Electron `net::ERR_*` messages, Node/undici causes
// (shapes copied from what Node 20's fetch actually throws), Retry-After, HTTP statuses and summaries.
import { describe, expect, it } from 'vitest';
import {
  SequraError,
  describeTransportFailure,
  httpError,
  parseRetryAfterMs,
  timeoutError,
  toErrorSummary,
  transportError,
} from '../../electron/core/sequra/errors.ts';
import type { HttpMethod } from '../../electron/core/sequra/errors.ts';
import { codeForSequraKind } from '../../electron/core/errors.ts';
import { IpcErrorSchema } from '../../shared/ipc/result.ts';

/** What undici's fetch rejects with: `TypeError: fetch failed` whose cause is the socket/DNS error. */
function undiciFailure(cause: { message: string; code?: string; syscall?: string; name?: string }): TypeError {
  const inner = Object.assign(new Error(cause.message), cause);
  return new TypeError('fetch failed', { cause: inner });
}

/** What Electron's net.fetch rejects with: a plain Error whose message is the Chromium net error. */
function electronFailure(netError: string): Error {
  return new Error(netError);
}

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT'];

describe('transport failures that prove nothing was sent → offline for every method', () => {
  const electronNotSent = [
    'net::ERR_INTERNET_DISCONNECTED',
    'net::ERR_NAME_NOT_RESOLVED',
    'net::ERR_NAME_RESOLUTION_FAILED',
    'net::ERR_CONNECTION_REFUSED',
    'net::ERR_ADDRESS_UNREACHABLE',
    'net::ERR_PROXY_CONNECTION_FAILED',
    'net::ERR_TUNNEL_CONNECTION_FAILED',
    'net::ERR_CERT_AUTHORITY_INVALID',
    'net::ERR_CERT_DATE_INVALID',
    'net::ERR_CERT_COMMON_NAME_INVALID',
    'net::ERR_SSL_PROTOCOL_ERROR',
  ];
  for (const netError of electronNotSent) {
    for (const method of METHODS) {
      it(`${netError} on ${method}`, () => {
        const error = transportError(electronFailure(netError), method, 'op');
        expect(error).toBeInstanceOf(SequraError);
        expect(error.kind).toBe('offline');
        expect(error.retryable).toBe(true);
        expect(error.networkCode).toBe(netError);
        expect(error.status).toBeUndefined();
      });
    }
  }

  it('finds a net::ERR_* inside a cause chain and inside a longer message', () => {
    const wrapped = new TypeError('Failed to fetch', {
      cause: new Error('request failed: net::ERR_INTERNET_DISCONNECTED (-106)'),
    });
    expect(transportError(wrapped, 'POST').kind).toBe('offline');
    expect(transportError(wrapped, 'POST').networkCode).toBe('net::ERR_INTERNET_DISCONNECTED');
  });

  const undiciNotSent = [
    { message: 'connect ECONNREFUSED 127.0.0.1:1234', code: 'ECONNREFUSED', syscall: 'connect' },
    { message: 'getaddrinfo ENOTFOUND sandbox.sequrapi.com', code: 'ENOTFOUND', syscall: 'getaddrinfo' },
    { message: 'getaddrinfo EAI_AGAIN sandbox.sequrapi.com', code: 'EAI_AGAIN', syscall: 'getaddrinfo' },
    { message: 'connect EHOSTUNREACH 10.0.0.1:443', code: 'EHOSTUNREACH', syscall: 'connect' },
    { message: 'Connect Timeout Error', code: 'UND_ERR_CONNECT_TIMEOUT', name: 'ConnectTimeoutError' },
    { message: 'connect ETIMEDOUT 10.0.0.1:443', code: 'ETIMEDOUT', syscall: 'connect' },
    { message: 'certificate has expired', code: 'CERT_HAS_EXPIRED' },
    { message: 'self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    { message: "Hostname/IP does not match certificate's altnames", code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    { message: 'bad port' },
  ];
  for (const cause of undiciNotSent) {
    for (const method of METHODS) {
      it(`undici ${cause.code ?? cause.message} on ${method}`, () => {
        const error = transportError(undiciFailure(cause), method);
        expect(error.kind).toBe('offline');
        expect(error.retryable).toBe(true);
      });
    }
  }

  it('happy-eyeballs AggregateError of refusals is offline', () => {
    const aggregate = Object.assign(
      new AggregateError(
        [
          Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED', syscall: 'connect' }),
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED', syscall: 'connect' }),
        ],
        '',
      ),
    );
    const error = transportError(new TypeError('fetch failed', { cause: aggregate }), 'POST');
    expect(error.kind).toBe('offline');
    expect(error.networkCode).toBe('ECONNREFUSED');
  });
});

describe('transport failures after the connection existed', () => {
  const maybeSent: Array<[string, Error]> = [
    ['net::ERR_CONNECTION_RESET', electronFailure('net::ERR_CONNECTION_RESET')],
    ['net::ERR_CONNECTION_CLOSED', electronFailure('net::ERR_CONNECTION_CLOSED')],
    ['net::ERR_EMPTY_RESPONSE', electronFailure('net::ERR_EMPTY_RESPONSE')],
    ['net::ERR_NETWORK_CHANGED', electronFailure('net::ERR_NETWORK_CHANGED')],
    ['ECONNRESET (read)', undiciFailure({ message: 'read ECONNRESET', code: 'ECONNRESET', syscall: 'read' })],
    [
      'UND_ERR_SOCKET other side closed',
      undiciFailure({ message: 'other side closed', code: 'UND_ERR_SOCKET', name: 'SocketError' }),
    ],
    ['EPIPE (write)', undiciFailure({ message: 'write EPIPE', code: 'EPIPE', syscall: 'write' })],
    ['socket hang up', new Error('socket hang up')],
    ['unrecognised failure', new TypeError('fetch failed')],
  ];
  for (const [label, failure] of maybeSent) {
    it(`${label}: POST → unknown_outcome, not retryable`, () => {
      const error = transportError(failure, 'POST', 'startSolicitation');
      expect(error.kind).toBe('unknown_outcome');
      expect(error.retryable).toBe(false);
      expect(error.operation).toBe('startSolicitation');
    });
    it(`${label}: PUT → unknown_outcome, retryable (full-state replay is harmless)`, () => {
      const error = transportError(failure, 'PUT');
      expect(error.kind).toBe('unknown_outcome');
      expect(error.retryable).toBe(true);
    });
    it(`${label}: GET → offline, retryable`, () => {
      const error = transportError(failure, 'GET');
      expect(error.kind).toBe('offline');
      expect(error.retryable).toBe(true);
    });
  }

  it('header/body timeouts: a read times out, a write has an unknown outcome', () => {
    const headers = undiciFailure({ message: 'Headers Timeout Error', code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(transportError(headers, 'GET').kind).toBe('timeout');
    expect(transportError(headers, 'PUT').kind).toBe('unknown_outcome');
    expect(transportError(electronFailure('net::ERR_TIMED_OUT'), 'GET').kind).toBe('timeout');
    expect(transportError(electronFailure('net::ERR_TIMED_OUT'), 'POST').kind).toBe('unknown_outcome');
  });

  it('describeTransportFailure reports the most specific code', () => {
    expect(describeTransportFailure(undiciFailure({ message: 'other side closed', code: 'UND_ERR_SOCKET' }))).toEqual({
      networkCode: 'UND_ERR_SOCKET',
      phase: 'maybe_sent',
      timedOut: false,
    });
    expect(describeTransportFailure(electronFailure('net::ERR_INTERNET_DISCONNECTED')).phase).toBe('not_sent');
  });
});

describe('our own deadline', () => {
  it('is a timeout for reads and an unknown outcome for writes', () => {
    expect(timeoutError('GET', 100)).toMatchObject({ kind: 'timeout', retryable: true });
    expect(timeoutError('POST', 100)).toMatchObject({ kind: 'unknown_outcome', retryable: false });
    expect(timeoutError('PUT', 100)).toMatchObject({ kind: 'unknown_outcome', retryable: true });
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');
  it('parses delta-seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1500);
  });
  it('parses an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or invalid values', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('HTTP answers', () => {
  const base = { operation: 'startSolicitation', messages: [] as string[] };
  it('maps each documented status to its kind', () => {
    expect(httpError({ ...base, status: 401, messages: ['HTTP Basic: Access denied.'] })).toMatchObject({
      kind: 'unauthorized',
      retryable: false,
      status: 401,
      messages: ['HTTP Basic: Access denied.'],
    });
    expect(httpError({ ...base, status: 403 })).toMatchObject({ kind: 'forbidden', retryable: false });
    expect(httpError({ ...base, status: 404 })).toMatchObject({ kind: 'not_found', retryable: false });
    expect(httpError({ ...base, status: 500 })).toMatchObject({ kind: 'server', retryable: true });
    expect(httpError({ ...base, status: 503, retryAfter: '7' })).toMatchObject({ kind: 'server', retryAfterMs: 7000 });
    expect(httpError({ ...base, status: 422 })).toMatchObject({ kind: 'validation', retryable: false });
    expect(httpError({ ...base, status: 418 })).toMatchObject({ kind: 'unexpected_response', status: 418 });
  });
  it('429 carries Retry-After in ms', () => {
    expect(httpError({ ...base, status: 429, retryAfter: '3' })).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: 3000,
    });
    expect(httpError({ ...base, status: 429 }).retryAfterMs).toBeUndefined();
  });
  it('409: content errors are validation, state-machine answers on the PUTs are conflict', () => {
    const sumRule =
      "Invalid data: items' total_with_tax add up to 5055 (200+295+-1500+6060) but order_total_with_tax is 5097. The diff is 42.";
    expect(httpError({ ...base, status: 409, messages: [sumRule] })).toMatchObject({
      kind: 'validation',
      messages: [sumRule],
    });
    expect(httpError({ ...base, status: 409, messages: [sumRule], conflictOn409: true }).kind).toBe('validation');
    expect(
      httpError({ ...base, status: 409, messages: ['Order not approved yet'], conflictOn409: true }),
    ).toMatchObject({
      kind: 'conflict',
      retryable: false,
    });
  });
  it('an error body in the wrong shape is an unexpected response, keeping the status', () => {
    const error = httpError({ ...base, status: 409, bodyIssues: [{ path: '', message: 'body is not JSON' }] });
    expect(error).toMatchObject({ kind: 'unexpected_response', status: 409, retryable: false });
    expect(error.issues).toHaveLength(1);
  });
});

describe('toErrorSummary', () => {
  it('gives the kind, the retry flag and no personal data', () => {
    const error = httpError({
      status: 409,
      operation: 'updateSolicitedOrder',
      conflictOn409: true,
      messages: ['Customer ana.garcia@example.com with NIN 12345678Z and mobile 612 345 678 changed'],
    });
    const summary = toErrorSummary(error);
    expect(summary.kind).toBe('conflict');
    expect(codeForSequraKind(summary.kind)).toBe('sequra_rejected');
    expect(summary.retryable).toBe(false);
    expect(summary.message).not.toContain('ana.garcia@example.com');
    expect(summary.message).not.toContain('12345678Z');
    expect(summary.message).not.toContain('612 345 678');
    expect(summary.message).toContain('409');
  });

  it("maps every kind to a core code the dispatcher can send as the contract's", () => {
    const cases: Array<[SequraError, string]> = [
      [transportError(electronFailure('net::ERR_INTERNET_DISCONNECTED'), 'GET'), 'sequra_unreachable'],
      [timeoutError('POST', 10), 'sequra_unknown_outcome'],
      [httpError({ status: 401, messages: [] }), 'sequra_auth'],
      [httpError({ status: 429, messages: [], retryAfter: '1' }), 'sequra_rate_limited'],
      [
        new SequraError({
          kind: 'invalid_payload',
          message: 'refused',
          issues: [{ path: 'cart.items', message: 'required' }],
        }),
        'invalid_request',
      ],
    ];
    for (const [error, code] of cases) {
      const summary = toErrorSummary(error);
      const core = codeForSequraKind(summary.kind);
      expect(core).toBe(code);
      expect(IpcErrorSchema.safeParse({ code: core, message: summary.message, retryable: false }).success).toBe(true);
    }
    expect(toErrorSummary(timeoutError('PUT', 10)).retryable).toBe(true);
  });

  it('lists payload issues by path', () => {
    const error = new SequraError({
      kind: 'invalid_payload',
      message: 'SeQura startSolicitation: payload refused before sending (1 problem)',
      issues: [{ path: 'cart.order_total_with_tax', message: 'payload.items_total_mismatch' }],
    });
    expect(toErrorSummary(error).message).toContain('cart.order_total_with_tax: payload.items_total_mismatch');
  });

  it('never echoes a foreign error (it may hold a URL with credentials)', () => {
    const summary = toErrorSummary(new Error('GET https://user:s3cret@sandbox.sequrapi.com/orders failed'));
    expect(summary).toEqual({
      kind: 'not_a_sequra_error',
      message: 'Unexpected error in the SeQura client',
      retryable: false,
    });
  });
});
