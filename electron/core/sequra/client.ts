// The SeQura merchant Orders API client (Node side). See docs/sequra-api.md §1, §2, §6.
//
// Transport: ky over an injected `fetch` — Electron's `net.fetch` in the app (system proxy/PAC and the OS
// certificate store), global fetch in tests and the preview host. Nothing here imports Electron.
//
// Retries: none for writes (POST/PUT run with ky `retry: 0`; the durable outbox owns them). Reads (GET) retry
// up to `readRetries` times, spaced (0.5 s, then 1 s, each plus up to half again), on connection failures,
// timeouts, 5xx and 429, honouring `Retry-After` up to a cap (a longer wait is the caller's decision and is
// reported as `retryAfterMs`).
//
// Deadlines: `timeoutMs` per attempt (until the headers), and `totalTimeoutMs` for the whole call — attempts,
// waits between them and the body — so an answer whose body stalls ends as a timeout, never a hang.
//
// HTTP errors: we let ky throw `HTTPError` (`throwHttpErrors` left on) rather than mapping statuses from
// `throwHttpErrors: false`, because ky's GET retry decision only sees thrown errors: with it off, a 503 or a
// 429 would never be retried. Every thrown thing is caught in `send()` and mapped to a SequraError there, so
// no ky error (whose `request` holds the Authorization header) ever escapes this module.
import ky, { isHTTPError, isTimeoutError } from 'ky';
import type { KyInstance, RetryOptions } from 'ky';
import type { z } from 'zod';
import {
  FormDeliveryRequestSchema,
  OrderPayloadSchema,
  OrderUpdatePayloadSchema,
} from '../../../shared/order/payload.ts';
import type { FormDeliveryRequest, OrderPayload, OrderUpdatePayload } from '../../../shared/order/payload.ts';
import { SequraError, httpError, isSequraError, parseRetryAfterMs, timeoutError, transportError } from './errors.ts';
import type { HttpMethod, PayloadIssue } from './errors.ts';
import {
  MerchantCredentialsSchema,
  PaymentMethodsSchema,
  SequraErrorBodySchema,
  errorBodyMessages,
  solicitationLocationSchema,
} from './responses.ts';
import type { MerchantCredential, PaymentMethods } from './responses.ts';

export interface SequraClientOptions {
  /** API base, e.g. `https://sandbox.sequrapi.com/` or the local sandbox's `http://127.0.0.1:PORT/`. */
  baseUrl: string;
  username: string;
  password: string;
  /** The merchant ref this till sells for (header `Sequra-Merchant-Id`, path of E6/E8). */
  merchantId: string;
  /** Injected: Electron's `net.fetch` in the app, global fetch elsewhere. */
  fetch: typeof fetch;
  appName: string;
  appVersion: string;
  /** Per attempt, until the answer's headers. Default 15 000 ms. For a write, running out of time is an unknown outcome. */
  timeoutMs?: number;
  /**
   * The whole call: every attempt, the waits between them and reading the answer's body. Default 20 000 ms.
   * A body that stalls after its headers ends here as a timeout (a write: unknown outcome), never a hang.
   */
  totalTimeoutMs?: number;
  /** Extra attempts for GETs only. Default 2. */
  readRetries?: number;
}

export interface SequraClient {
  /** `POST /orders` → 204 + absolute `Location`; uuid = its last path segment. Not idempotent. */
  startSolicitation(order: OrderPayload): Promise<{ uuid: string; location: string }>;
  /** `POST /orders/{uuid}/form_deliveries` (body not wrapped) → 204. */
  sendFormBySms(uuid: string, request: { product_code: string; campaign?: string | null }): Promise<void>;
  /** `GET /orders/{uuid}/payment_methods`. */
  getOrderPaymentMethods(uuid: string): Promise<PaymentMethods>;
  /** `GET /merchants/{merchantId}/payment_methods`. */
  getMerchantPaymentMethods(): Promise<PaymentMethods>;
  /** `PUT /orders/{uuid}`: confirm (`state: 'confirmed'`) and/or register `merchant_reference.order_ref_1`. */
  updateSolicitedOrder(uuid: string, order: OrderPayload): Promise<void>;
  /** `PUT /merchants/{merchantId}/orders/{order_ref_1}`; 200/202/204 are all success. */
  updateOrder(orderRef1: string, update: OrderUpdatePayload): Promise<void>;
  /** `GET /merchants/credentials`: the merchant accounts these credentials reach. */
  checkCredentials(): Promise<MerchantCredential[]>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 20_000;
const DEFAULT_READ_RETRIES = 2;
/** A GET waits out a `Retry-After` up to this long; beyond it the 429 is returned to the caller. */
const MAX_READ_RETRY_AFTER_MS = 5_000;
/**
 * The first wait between two GET attempts; it doubles each time, plus up to half again of random spread.
 * Never less: SeQura counts more than 3 identical requests for one order within a second as a burst, and a
 * failed product list is followed by the cashier's "load again", so a call's own attempts must stay spaced
 * (3 attempts span at least 1.5 s).
 */
const READ_RETRY_DELAY_MS = 500;
/** Cap on a single backoff wait between GET attempts. */
const READ_BACKOFF_LIMIT_MS = 4_000;
const MAX_SERVER_MESSAGE_LENGTH = 500;
const RETRYABLE_READ_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

interface Call {
  operation: string;
  method: HttpMethod;
  /** Relative to the base URL, no leading slash; every dynamic segment already escaped. */
  path: string;
  json?: unknown;
  /** 409 from this endpoint is SeQura's state machine (→ `conflict`) rather than a content error. */
  conflictOn409?: boolean;
}

function validateOptions(options: SequraClientOptions): URL {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new TypeError('SequraClient: baseUrl is not a valid URL');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new TypeError('SequraClient: baseUrl must be http(s)');
  if (base.username || base.password)
    throw new TypeError('SequraClient: credentials go in username/password, not in baseUrl');
  if (!options.username) throw new TypeError('SequraClient: username is required');
  if (!options.password) throw new TypeError('SequraClient: password is required');
  if (!options.merchantId || /[\r\n]/.test(options.merchantId))
    throw new TypeError('SequraClient: merchantId is invalid');
  if (typeof options.fetch !== 'function') throw new TypeError('SequraClient: fetch must be injected');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('SequraClient: timeoutMs must be positive');
  const totalTimeoutMs = options.totalTimeoutMs ?? Math.max(DEFAULT_TOTAL_TIMEOUT_MS, timeoutMs);
  if (!Number.isFinite(totalTimeoutMs) || totalTimeoutMs < timeoutMs)
    throw new TypeError('SequraClient: totalTimeoutMs must be at least timeoutMs');
  const retries = options.readRetries ?? DEFAULT_READ_RETRIES;
  if (!Number.isInteger(retries) || retries < 0)
    throw new TypeError('SequraClient: readRetries must be a non-negative integer');
  return base;
}

/** `User-Agent: <appName>/<appVersion>`, reduced to header-safe token characters. */
function userAgent(appName: string, appVersion: string): string {
  const token = (s: string) => s.replace(/[^A-Za-z0-9!#$%&'*+.^_`|~-]+/g, '-') || 'unknown';
  return `${token(appName)}/${token(appVersion)}`;
}

function zodIssues(error: z.ZodError): PayloadIssue[] {
  // Only path, message and code: zod issues may reference the input in other fields.
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

function invalidPayload(operation: string, issues: PayloadIssue[]): SequraError {
  return new SequraError({
    kind: 'invalid_payload',
    operation,
    issues,
    message: `SeQura ${operation}: payload refused before sending (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
  });
}

/** Validates a payload with its schema; a failure never reaches the network. Returns the parsed value. */
function validated<S extends z.ZodType>(schema: S, value: unknown, operation: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidPayload(operation, zodIssues(result.error));
  return result.data;
}

/** One escaped path segment from a caller-supplied id (uuid, order_ref_1, merchant id). */
function segment(value: unknown, field: string, operation: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256) {
    throw invalidPayload(operation, [{ path: field, message: 'required', code: 'invalid_type' }]);
  }
  return encodeURIComponent(value);
}

export function createSequraClient(options: SequraClientOptions): SequraClient {
  validateOptions(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalTimeoutMs = options.totalTimeoutMs ?? Math.max(DEFAULT_TOTAL_TIMEOUT_MS, timeoutMs);
  const readRetries = options.readRetries ?? DEFAULT_READ_RETRIES;
  const { merchantId, username, password } = options;
  const injectedFetch = options.fetch;

  // Server messages can quote the API user ("Bad merchant id 'x' for <user>"); the credentials never leave
  // through an error.
  const redactCredentials = (text: string): string => {
    let out = text;
    for (const [secret, mask] of [
      [password, '[secret]'],
      [username, '[api-user]'],
    ] as const) {
      if (secret.length >= 3) out = out.split(secret).join(mask);
    }
    return out.length > MAX_SERVER_MESSAGE_LENGTH ? `${out.slice(0, MAX_SERVER_MESSAGE_LENGTH - 1)}…` : out;
  };

  const readRetry: RetryOptions = {
    limit: readRetries,
    methods: ['get'],
    statusCodes: RETRYABLE_READ_STATUSES,
    afterStatusCodes: [429, 503],
    maxRetryAfter: MAX_READ_RETRY_AFTER_MS,
    delay: (attempt) => READ_RETRY_DELAY_MS * 2 ** (attempt - 1),
    backoffLimit: READ_BACKOFF_LIMIT_MS,
    // Spread upwards only (100–150 % of the delay), never below it: see READ_RETRY_DELAY_MS.
    jitter: (delay) => delay * (1 + Math.random() * 0.5),
    retryOnTimeout: true,
    // `undefined` lets ky apply its own rules (status list, Retry-After); `false` stops.
    shouldRetry: ({ error }) => {
      if (isHTTPError(error)) {
        const retryAfterMs = parseRetryAfterMs(error.response.headers.get('retry-after'));
        return retryAfterMs !== undefined && retryAfterMs > MAX_READ_RETRY_AFTER_MS ? false : undefined;
      }
      // Timeouts and connection failures: a GET changes nothing, so another attempt is always safe.
      return true;
    },
  };

  const api: KyInstance = ky.create({
    prefix: options.baseUrl,
    // Wrapped: ky calls `options.fetch(...)` as a method of its options object, and a fetch that relies on its
    // own `this` (browser-style) would break.
    fetch: (input, init) => injectedFetch(input, init),
    timeout: timeoutMs,
    retry: 0,
    throwHttpErrors: true,
    headers: {
      Accept: 'application/json',
      Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
      'Sequra-Merchant-Id': merchantId,
      'User-Agent': userAgent(options.appName, options.appVersion),
    },
  });

  async function errorFromResponse(response: Response, call: Call, preRead: unknown): Promise<SequraError> {
    // ky 2 reads an error's body itself (bounded by the timeout and a size cap) into `error.data`: JSON
    // parsed, anything else as text. Only when it could not (empty, unreadable) do we try the stream.
    let text = '';
    if (typeof preRead === 'string') text = preRead;
    else if (preRead !== undefined) text = JSON.stringify(preRead);
    else {
      try {
        text = await response.text();
      } catch {
        // The body was cut off or already read; the status alone still says what happened.
      }
    }
    const status = response.status;
    let messages: string[] = [];
    let bodyIssues: PayloadIssue[] | undefined;
    const json = tryParseJson(text);
    const errorBody = SequraErrorBodySchema.safeParse(json.ok ? json.value : undefined);
    if (errorBody.success) {
      messages = errorBodyMessages(errorBody.data);
    } else if (status === 403 || status === 409) {
      // These answers are SeQura's JSON error model (§2.11); anything else (a proxy's HTML page…) is not
      // SeQura speaking.
      bodyIssues = json.ok
        ? zodIssues(errorBody.error)
        : [{ path: '', message: text.trim() === '' ? 'empty body' : 'body is not JSON', code: 'invalid_format' }];
    } else if (status === 401) {
      // Plain text "HTTP Basic: Access denied." (never HTML: a proxy page would be noise).
      const plain = text.trim();
      if (plain !== '' && !/^</.test(plain)) messages = [plain];
    }
    return httpError({
      status,
      operation: call.operation,
      messages: messages.map(redactCredentials),
      bodyIssues,
      retryAfter: response.headers.get('retry-after'),
      conflictOn409: call.conflictOn409 ?? false,
    });
  }

  /**
   * Sends one call; returns the 2xx response (its body still to be read under the same deadline) or throws a
   * SequraError. One deadline covers the whole call, body included: ky's own timeout stops at the headers.
   */
  async function send(call: Call): Promise<Sent> {
    const deadline = startDeadline(totalTimeoutMs);
    try {
      const response = await deadline.race(
        api(call.path, {
          method: call.method,
          ...(call.json !== undefined ? { json: call.json } : {}), // ky sets Content-Type: application/json
          retry: call.method === 'GET' ? readRetry : 0,
          signal: deadline.signal,
        }),
      );
      return { response, deadline };
    } catch (error) {
      deadline.end();
      if (isSequraError(error)) throw error;
      if (deadline.signal.aborted) throw timeoutError(call.method, totalTimeoutMs, call.operation);
      if (isHTTPError(error)) throw await errorFromResponse(error.response, call, error.data);
      if (isTimeoutError(error)) throw timeoutError(call.method, timeoutMs, call.operation);
      throw transportError(error, call.method, call.operation);
    }
  }

  async function readJson<S extends z.ZodType>(
    { response, deadline }: Sent,
    schema: S,
    operation: string,
  ): Promise<z.output<S>> {
    let text: string;
    try {
      text = await deadline.race(response.text());
    } catch (error) {
      // The body stalled past the call's deadline, or the connection dropped while it was streaming: a
      // read, so plainly retryable.
      if (deadline.signal.aborted) {
        void response.body?.cancel().catch(() => {});
        throw timeoutError('GET', totalTimeoutMs, operation);
      }
      throw transportError(error, 'GET', operation);
    } finally {
      deadline.end();
    }
    const json = tryParseJson(text);
    if (!json.ok) {
      throw new SequraError({
        kind: 'unexpected_response',
        status: response.status,
        operation,
        issues: [{ path: '', message: 'body is not JSON', code: 'invalid_format' }],
        message: `SeQura ${operation}: the answer is not JSON`,
      });
    }
    const parsed = schema.safeParse(json.value);
    if (!parsed.success) {
      throw new SequraError({
        kind: 'unexpected_response',
        status: response.status,
        operation,
        issues: zodIssues(parsed.error),
        message: `SeQura ${operation}: the answer does not have the expected shape`,
      });
    }
    return parsed.data;
  }

  /** Drains a body we do not read, so the connection can be reused. */
  async function discard({ response, deadline }: Sent): Promise<void> {
    deadline.end();
    try {
      await response.body?.cancel();
    } catch {
      // nothing to do
    }
  }

  function checkMerchant(id: unknown, operation: string): void {
    if (String(id) !== merchantId) {
      throw invalidPayload(operation, [
        {
          path: 'merchant.id',
          message: 'merchant.id must be the merchant this client is configured for',
          code: 'custom',
        },
      ]);
    }
  }

  return {
    async startSolicitation(order) {
      const operation = 'startSolicitation';
      const payload: OrderPayload = validated(OrderPayloadSchema, order, operation);
      checkMerchant(payload.merchant.id, operation);
      const call: Call = { operation, method: 'POST', path: 'orders', json: { order: payload } };
      const sent = await send(call);
      await discard(sent);
      const { response } = sent;
      const location = solicitationLocationSchema(
        response.url || new URL('orders', withSlash(options.baseUrl)).href,
      ).safeParse(response.headers.get('location') ?? undefined);
      if (!location.success) {
        // SeQura answered 2xx, so it probably created an order we cannot address: not retryable blindly.
        throw new SequraError({
          kind: 'unexpected_response',
          status: response.status,
          operation,
          issues: zodIssues(location.error),
          message: `SeQura ${operation}: answered ${response.status} without a usable Location`,
        });
      }
      return location.data;
    },

    async sendFormBySms(uuid, request) {
      const operation = 'sendFormBySms';
      const id = segment(uuid, 'uuid', operation);
      const body: FormDeliveryRequest = validated(
        FormDeliveryRequestSchema,
        {
          channel: 'sms',
          product_code: request.product_code,
          ...(request.campaign !== undefined && request.campaign !== null ? { campaign: request.campaign } : {}),
        },
        operation,
      );
      await discard(await send({ operation, method: 'POST', path: `orders/${id}/form_deliveries`, json: body }));
    },

    async getOrderPaymentMethods(uuid) {
      const operation = 'getOrderPaymentMethods';
      const id = segment(uuid, 'uuid', operation);
      const response = await send({ operation, method: 'GET', path: `orders/${id}/payment_methods` });
      return readJson(response, PaymentMethodsSchema, operation);
    },

    async getMerchantPaymentMethods() {
      const operation = 'getMerchantPaymentMethods';
      const id = segment(merchantId, 'merchantId', operation);
      const response = await send({ operation, method: 'GET', path: `merchants/${id}/payment_methods` });
      return readJson(response, PaymentMethodsSchema, operation);
    },

    async updateSolicitedOrder(uuid, order) {
      const operation = 'updateSolicitedOrder';
      const id = segment(uuid, 'uuid', operation);
      const payload: OrderPayload = validated(OrderPayloadSchema, order, operation);
      checkMerchant(payload.merchant.id, operation);
      const sent = await send({
        operation,
        method: 'PUT',
        path: `orders/${id}`,
        json: { order: payload },
        conflictOn409: true,
      });
      await discard(sent); // 200 with an empty body or `{}` (sequra-api.md §2.4): nothing to read
    },

    async updateOrder(orderRef1, update) {
      const operation = 'updateOrder';
      const ref = segment(orderRef1, 'orderRef1', operation);
      const payload: OrderUpdatePayload = validated(OrderUpdatePayloadSchema, update, operation);
      checkMerchant(payload.merchant.id, operation);
      if (String(payload.merchant_reference.order_ref_1) !== orderRef1) {
        throw invalidPayload(operation, [
          {
            path: 'merchant_reference.order_ref_1',
            message: 'must equal the order_ref_1 being updated',
            code: 'custom',
          },
        ]);
      }
      const id = segment(merchantId, 'merchantId', operation);
      const sent = await send({
        operation,
        method: 'PUT',
        path: `merchants/${id}/orders/${ref}`,
        json: { order: payload },
        conflictOn409: true,
      });
      await discard(sent); // 200/202 may carry JSON "not yet defined" (sequra-api.md §2.6): success either way
    },

    async checkCredentials() {
      const operation = 'checkCredentials';
      const response = await send({ operation, method: 'GET', path: 'merchants/credentials' });
      return readJson(response, MerchantCredentialsSchema, operation);
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A call's deadline, kept by our own timer until the body has been read or dropped (see startDeadline). */
interface Deadline {
  signal: AbortSignal;
  /** Settles with the promise, or rejects once the deadline has passed, whichever comes first. */
  race<T>(promise: Promise<T>): Promise<T>;
  /** The call is over: the timer goes. */
  end(): void;
}

interface Sent {
  response: Response;
  deadline: Deadline;
}

/**
 * One deadline for a whole call: our own timer and a race, not only a signal handed to fetch. Node's
 * AbortSignal.timeout holds its signal weakly, so once the garbage collector has taken it the timer fires into
 * nothing: in the chaos run a product list whose body stalled outlived its 20 s deadline by five minutes,
 * until the connection closed (sequra-client.test.ts reproduces it with a forced collection). A timer is a
 * strong reference, and the race ends the wait whatever happens to the signal; the abort still tells fetch
 * to let go of the connection.
 */
function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError'));
      reject(controller.signal.reason as Error);
    }, ms);
  });
  expired.catch(() => {}); // only ever observed through race()
  return {
    signal: controller.signal,
    race: (promise) => Promise.race([promise, expired]),
    end: () => clearTimeout(timer),
  };
}
