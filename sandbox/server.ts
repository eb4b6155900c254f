// The local SeQura sandbox's server: a node:http server on loopback that serves SeQura's merchant Orders API
// (sequra-api.ts) and a virtual shopper phone (phone-page.ts). The control API and fault injection are plugged
// in by the caller (`SandboxControls`), never imported here, so the training sandbox the app ships
// (training.ts) carries neither; the full sandbox for tests and scripts (controlled.ts) plugs both in.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createSandboxClock } from './clock.ts';
import { splitPath, type RequestContext, type SandboxRuntime } from './context.ts';
import type { FaultDecision, FaultInjector } from './faults.ts';
import { errorsResponse, readBody, serverErrorResponse, writeResponse, type SandboxResponse } from './http-io.ts';
import { handlePhoneRequest } from './phone-page.ts';
import { RequestLog, type RequestLogEntry } from './request-log.ts';
import { handleSequraRequest } from './sequra-api.ts';
import { publicConfig, type SandboxPublicConfig } from './public-config.ts';
import { MAX_BODY_BYTES, resolveSettings, SANDBOX_DEFAULTS, type SettingsInput } from './settings.ts';
import { OrderStore } from './state.ts';

export type { SandboxPublicConfig } from './public-config.ts';

/** What startSandbox() takes: where it listens, plus every SeQura behaviour setting (settings.ts). */
export interface SandboxOptions extends SettingsInput {
  /** 0 = random free port (default here; the CLI defaults to 8787). */
  port?: number;
  /** Always loopback: '127.0.0.1' (default), 'localhost' or '::1'. */
  host?: string;
  /** The sandbox's time source in milliseconds (default Date.now); the control API can move it forward. */
  now?: () => number;
}

/**
 * What only the full sandbox has: fault injection in front of the SeQura surface and the control API under
 * /__sandbox/. Passed in rather than imported, so a bundle of the training sandbox leaves both out.
 */
export interface SandboxControls {
  createFaults(seed: number): FaultInjector;
  handleControlRequest(runtime: SandboxRuntime, faults: FaultInjector, ctx: RequestContext): SandboxResponse;
}

export interface RunningSandbox {
  /** e.g. 'http://127.0.0.1:8787', no trailing slash. */
  baseUrl: string;
  port: number;
  /** The same object GET /__sandbox/config returns. */
  config: SandboxPublicConfig;
  /** The virtual shopper phone page for an order. */
  phoneUrl(uuid: string): string;
  /** Closes every socket at once, including keep-alive and deliberately hung ones. */
  close(): Promise<void>;
}

type Surface = 'sequra' | 'control' | 'phone';

function surfaceOf(segments: string[]): Surface {
  const first = segments[0];
  if (first === '__sandbox') return 'control';
  if (first === 'phone' || first === 'assets' || (segments.length === 1 && (first === '' || first === 'favicon.ico')))
    return 'phone';
  // The SMS link target belongs to the shopper's phone, not to the merchant API.
  if (first === 'orders' && segments.length === 3 && segments[2] === 'pumbaa_form') return 'phone';
  return 'sequra';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function tooLargeResponse(): SandboxResponse {
  return errorsResponse(413, [`Request body too large: the limit is ${MAX_BODY_BYTES} bytes`]);
}

function rateLimitedResponse(retryAfterS: number): SandboxResponse {
  return errorsResponse(429, ['Too many requests. Wait and try again later.'], { 'Retry-After': String(retryAfterS) });
}

/** What a proxy or gateway in front of SeQura answers when the request went through and its answer did not. */
function afterApplyErrorResponse(status: number): SandboxResponse {
  return { ...serverErrorResponse(), status };
}

/**
 * The order a request is about, for the Retry-After rule (SeQura limits per order; merchant-wide reads such as
 * the credentials or the merchant's products are left out): method and path for /orders/{uuid}… and
 * /merchants/{id}/orders/{ref}, the cart_ref for POST /orders (its order has no uuid yet).
 */
function orderKeyOf(ctx: RequestContext): string | null {
  const [first, second, third] = ctx.segments;
  if (first === 'orders' && ctx.segments.length === 1 && ctx.method === 'POST') {
    try {
      const body = JSON.parse(ctx.body.toString('utf8')) as { order?: Record<string, { cart_ref?: unknown }> };
      const order = body.order ?? {};
      const cartRef = order.cart?.cart_ref ?? order.shipped_cart?.cart_ref ?? order.unshipped_cart?.cart_ref;
      return cartRef === undefined || cartRef === null ? null : `POST /orders#${String(cartRef)}`;
    } catch {
      return null;
    }
  }
  if (first === 'orders' && second) return `${ctx.method} ${ctx.pathname}`;
  if (first === 'merchants' && third === 'orders' && ctx.segments.length === 4) return `${ctx.method} ${ctx.pathname}`;
  return null;
}

export async function startSandboxServer(
  options: SandboxOptions,
  controls: SandboxControls | null,
): Promise<RunningSandbox> {
  const host = options.host ?? SANDBOX_DEFAULTS.host;
  if (!isLoopback(host)) throw new Error(`The sandbox only listens on loopback; '${host}' is not a loopback address`);
  const settings = resolveSettings(options);
  const sockets = new Set<Socket>();
  const heldSockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | null = null;
  const faults = controls?.createFaults(settings.seed) ?? null;

  const clock = createSandboxClock(options.now);
  const runtime: SandboxRuntime = {
    settings,
    clock,
    store: new OrderStore(settings),
    faults,
    requestLog: new RequestLog(settings.requestLogLimit),
    retryAfterUntil: new Map(),
    baseUrl: '',
    dropHeldConnections() {
      for (const socket of heldSockets) socket.destroy();
      heldSockets.clear();
    },
  };

  function reportError(error: unknown): void {
    if (!settings.quiet) console.error('[sandbox] internal error:', error);
  }

  function sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(closing === null);
      }, ms);
      timers.add(timer);
    });
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    response: SandboxResponse,
    extraHeaders?: Record<string, string>,
  ): boolean {
    if (res.headersSent || res.destroyed || req.socket.destroyed) return false;
    writeResponse(res, response, extraHeaders);
    return true;
  }

  function record(entry: RequestLogEntry): void {
    runtime.requestLog.add(entry);
    if (settings.logRequests)
      process.stdout.write(
        `${entry.at} ${entry.method} ${entry.path} -> ${entry.status ?? 'dropped'}${entry.fault ? ` [${entry.fault}]` : ''}\n`,
      );
  }

  function pathOrderUuid(segments: string[]): string | null {
    const candidate = segments[0] === 'orders' ? segments[1] : undefined;
    return candidate !== undefined && runtime.store.has(candidate) ? candidate : null;
  }

  async function serveSequra(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const entry: RequestLogEntry = {
      method: ctx.method,
      path: ctx.pathname,
      status: null,
      at: new Date(ctx.nowMs).toISOString(),
      order_uuid: null,
      body_sha256: ctx.body.length === 0 ? null : createHash('sha256').update(ctx.body).digest('hex'),
      fault: null,
      order_key: orderKeyOf(ctx),
      retry_after_s: null,
      before_retry_after: false,
    };
    const orderKey = entry.order_key;
    const drop = (fault: string) => {
      entry.fault = fault;
      entry.order_uuid ??= pathOrderUuid(ctx.segments);
      req.socket.destroy();
      record(entry);
    };

    // A request for an order whose last 429 asked to wait, arriving before that time: counted in the log
    // always, and answered 429 again (with the time left) when the rule is on, as SeQura does.
    const waitUntilMs = orderKey === null ? undefined : runtime.retryAfterUntil.get(orderKey);
    if (waitUntilMs !== undefined && ctx.nowMs < waitUntilMs) entry.before_retry_after = true;
    if (faults?.isPartitioned(clock.now())) return drop('partition');
    if (waitUntilMs !== undefined && ctx.nowMs < waitUntilMs) {
      if (settings.enforceRetryAfter) {
        const retryAfterS = Math.max(1, Math.ceil((waitUntilMs - ctx.nowMs) / 1000));
        entry.retry_after_s = retryAfterS;
        entry.order_uuid = pathOrderUuid(ctx.segments);
        if (send(req, res, rateLimitedResponse(retryAfterS), { 'X-Request-Id': randomUUID() })) entry.status = 429;
        record(entry);
        return;
      }
    }
    const decision: FaultDecision | null = faults?.decide(ctx.method, ctx.pathname) ?? null;
    if (decision && decision.latencyMs > 0) {
      entry.fault = 'latency';
      if (!(await sleep(decision.latencyMs))) return;
      if (req.socket.destroyed) return drop('latency');
      if (faults?.isPartitioned(clock.now())) return drop('partition');
      ctx.nowMs = clock.now();
    }

    let response: SandboxResponse;
    switch (decision?.action) {
      case 'reset_before':
        return drop('reset_before');
      case 'hang':
        entry.fault = 'hang';
        entry.order_uuid = pathOrderUuid(ctx.segments);
        heldSockets.add(req.socket);
        record(entry);
        return;
      case 'error':
        entry.fault = 'error';
        response = serverErrorResponse();
        entry.order_uuid = pathOrderUuid(ctx.segments);
        break;
      case 'rate_limit':
        entry.fault = 'rate_limit';
        response = rateLimitedResponse(decision.retryAfterS);
        entry.order_uuid = pathOrderUuid(ctx.segments);
        break;
      default:
        try {
          response = handleSequraRequest(runtime, ctx);
        } catch (error) {
          reportError(error);
          response = errorsResponse(500, ['Internal sandbox error']);
        }
        entry.order_uuid = ctx.orderUuid;
        // The request took effect; losing the answer is the "unknown outcome" clients must survive.
        if (decision?.action === 'reset_after') return drop('reset_after');
        if (decision?.action === 'error_after') {
          // Applied, and then a 5xx (SeQura's, or a gateway's 502/504): the client cannot tell it went through.
          entry.fault = 'error_after';
          response = afterApplyErrorResponse(decision.errorStatus);
        } else if (decision?.action === 'stall_after') {
          entry.fault = 'stall_after';
          return stallBody(req, res, response, entry);
        }
    }
    const retryAfter = response.status === 429 ? Number(response.headers['Retry-After']) : NaN;
    if (Number.isFinite(retryAfter)) {
      entry.retry_after_s = retryAfter;
      if (orderKey !== null) runtime.retryAfterUntil.set(orderKey, clock.now() + retryAfter * 1000);
    }
    if (send(req, res, response, { 'X-Request-Id': randomUUID() })) entry.status = response.status;
    record(entry);
  }

  /**
   * Applied, then the answer stalls: the status line, the headers (with the full Content-Length) and half the
   * body go out, the rest never does. An answer without a body stalls before its headers instead.
   */
  function stallBody(req: IncomingMessage, res: ServerResponse, response: SandboxResponse, entry: RequestLogEntry) {
    heldSockets.add(req.socket);
    if (response.body !== '' && !res.headersSent && !req.socket.destroyed) {
      const body = Buffer.from(response.body, 'utf8');
      res.writeHead(response.status, { ...response.headers, 'Content-Length': body.length });
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      entry.status = response.status;
    }
    record(entry);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const pathname = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const segments = splitPath(pathname);
    const surface = surfaceOf(segments);
    const nowMs = clock.now();
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too_large') {
      if (send(req, res, tooLargeResponse()) && !body.drainable) res.once('finish', () => req.socket.destroy());
      if (surface === 'sequra') {
        record({
          method: req.method ?? 'GET',
          path: pathname,
          status: 413,
          at: new Date(nowMs).toISOString(),
          order_uuid: null,
          body_sha256: null,
          fault: null,
          order_key: null,
          retry_after_s: null,
          before_retry_after: false,
        });
      }
      return;
    }
    const ctx: RequestContext = {
      method: req.method ?? 'GET',
      pathname,
      segments,
      query: queryStart === -1 ? '' : rawUrl.slice(queryStart + 1),
      headers: req.headers,
      body: body.body,
      nowMs,
      orderUuid: null,
    };
    if (surface === 'sequra') return serveSequra(req, res, ctx);
    let response: SandboxResponse;
    try {
      if (surface === 'phone') response = handlePhoneRequest(runtime, ctx);
      else if (controls && faults) response = controls.handleControlRequest(runtime, faults, ctx);
      else response = errorsResponse(404, ['The training sandbox has no control API']);
    } catch (error) {
      reportError(error);
      response = errorsResponse(500, ['Internal sandbox error']);
    }
    send(req, res, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      reportError(error);
      if (!res.headersSent && !res.destroyed) writeResponse(res, errorsResponse(500, ['Internal sandbox error']));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      heldSockets.delete(socket);
    });
  });

  const port = options.port ?? SANDBOX_DEFAULTS.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', reportError);

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The sandbox server has no TCP address');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  runtime.baseUrl = `http://${urlHost}:${address.port}`;
  const config = publicConfig(runtime);

  return {
    baseUrl: runtime.baseUrl,
    port: address.port,
    config,
    phoneUrl: (uuid: string) => `${runtime.baseUrl}/phone/${encodeURIComponent(uuid)}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        heldSockets.clear();
      });
      return closing;
    },
  };
}
