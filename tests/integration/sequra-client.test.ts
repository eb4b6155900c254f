// Contract tests: the SeQura client against the project's SeQura sandbox over real loopback HTTP.
// SeQura is never mocked. The only fetch wrappers here observe requests, or inject what loopback cannot
// produce (an Electron `net::ERR_*` failure, a body in the wrong shape, a request altered after validation).
// Faults (429, 5xx, resets, hangs) come from the sandbox's own control API.
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.ts';
import { createSequraClient } from '../../electron/core/sequra/client.ts';
import type { SequraClient, SequraClientOptions } from '../../electron/core/sequra/client.ts';
import { codeForSequraKind } from '../../electron/core/errors.ts';
import { SequraError, toErrorSummary } from '../../electron/core/sequra/errors.ts';
import type { SequraErrorKind } from '../../electron/core/sequra/errors.ts';
import { flattenPaymentMethods } from '../../electron/core/sequra/responses.ts';
import type { OrderPayload, OrderUpdatePayload } from '../../shared/order/payload.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

interface LoggedRequest {
  method: string;
  path: string;
  status: number | null;
  at: string;
  order_uuid: string | null;
  body_sha256: string | null;
}

let sandbox: Sandbox;
let merchantId: string;
let saleCounter = 0;

// ------------------------------------------------------------------------------------------- sandbox control

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, sandbox.baseUrl), {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sandbox control ${method} ${path} → ${response.status} ${text}`);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

const setFaults = (faults: Record<string, unknown>) => control('POST', '/__sandbox/faults', faults);
const clearFaults = () => control('DELETE', '/__sandbox/faults');
const shopper = (uuid: string, outcome: 'approve' | 'reject') =>
  control('POST', `/__sandbox/orders/${uuid}/shopper`, { outcome });
const sandboxOrder = async (uuid: string) =>
  (await control('GET', `/__sandbox/orders/${uuid}`)) as Record<string, unknown>;
const requestLog = async () => (await control('GET', '/__sandbox/requests')) as LoggedRequest[];
/** SeQura-surface requests only (the control API is not part of SeQura). */
const seQuraRequests = async () => (await requestLog()).filter((r) => !r.path.startsWith('/__sandbox'));

// ----------------------------------------------------------------------------------------------- fixtures

function clientOptions(overrides: Partial<SequraClientOptions> = {}): SequraClientOptions {
  return {
    baseUrl: sandbox.config.base_url,
    username: sandbox.config.username,
    password: sandbox.config.password,
    merchantId,
    fetch: globalThis.fetch,
    appName: 'sequra-pos-tests',
    appVersion: '0.1.0',
    timeoutMs: 5_000,
    ...overrides,
  };
}

function client(overrides: Partial<SequraClientOptions> = {}): SequraClient {
  return createSequraClient(clientOptions(overrides));
}

const ITEM_TOTAL = 4_990;

function cartItems(total = ITEM_TOTAL) {
  return [
    {
      type: 'product' as const,
      reference: 'SKU-1',
      name: 'Bicicleta urbana',
      price_with_tax: total,
      quantity: 1,
      total_with_tax: total,
      downloadable: false,
    },
  ];
}

function orderPayload(options: { merchant?: string } = {}): OrderPayload {
  saleCounter += 1;
  const address = {
    given_names: 'Ana',
    surnames: 'García Pérez',
    company: '',
    address_line_1: 'Carrer de Mallorca 1',
    address_line_2: '',
    postal_code: '08013',
    city: 'Barcelona',
    country_code: 'ES',
    mobile_phone: '612 345 678',
  };
  return {
    state: '',
    merchant: { id: options.merchant ?? merchantId, store_ref: 'BCN-01', operator_ref: 'cashier-7' },
    cart: { currency: 'EUR', order_total_with_tax: ITEM_TOTAL, cart_ref: `sale-${saleCounter}-1`, items: cartItems() },
    delivery_method: { name: 'instore', home_delivery: false },
    delivery_address: address,
    invoice_address: address,
    customer: {
      given_names: 'Ana',
      surnames: 'García Pérez',
      email: 'ana.garcia@example.com',
      logged_in: false,
      language_code: 'es-ES',
      ip_number: '127.0.0.1',
      user_agent: null,
      nin: '12345678Z',
    },
    gui: { layout: 'desktop' },
    platform: { name: 'sequra-pos', version: '0.1.0', uname: 'linux', db_name: 'conf', db_version: '15' },
  };
}

function shippedUpdate(orderRef1: string): OrderUpdatePayload {
  return {
    merchant: { id: merchantId, store_ref: 'BCN-01' },
    merchant_reference: { order_ref_1: orderRef1 },
    unshipped_cart: { currency: 'EUR', order_total_with_tax: 0, items: [] },
    shipped_cart: { currency: 'EUR', order_total_with_tax: ITEM_TOTAL, items: cartItems() },
  };
}

async function failure(promise: Promise<unknown>): Promise<SequraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SequraError);
    return error as SequraError;
  }
  throw new Error('expected the call to fail');
}

async function expectKind(promise: Promise<unknown>, kind: SequraErrorKind): Promise<SequraError> {
  const error = await failure(promise);
  expect(error.kind, error.message).toBe(kind);
  return error;
}

/** The confirm/reference PUT body: the same order again, `state: confirmed`, optionally with order_ref_1. */
function confirmationOf(order: OrderPayload, orderRef1?: string): OrderPayload {
  return { ...order, state: 'confirmed', ...(orderRef1 ? { merchant_reference: { order_ref_1: orderRef1 } } : {}) };
}

/** An approved solicitation, ready to be confirmed. */
async function approvedOrder(sequra: SequraClient): Promise<{ uuid: string; order: OrderPayload }> {
  const order = orderPayload();
  const { uuid } = await sequra.startSolicitation(order);
  await sequra.sendFormBySms(uuid, { product_code: 'i1' });
  await shopper(uuid, 'approve');
  return { uuid, order };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// ------------------------------------------------------------------------------------------------ lifecycle

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true });
  const first = sandbox.config.merchants[0];
  if (!first) throw new Error('sandbox has no merchant');
  merchantId = first.ref;
});

afterAll(async () => {
  await sandbox?.close();
});

beforeEach(async () => {
  await clearFaults();
  await control('POST', '/__sandbox/reset');
});

afterEach(async () => {
  await clearFaults();
});

// ---------------------------------------------------------------------------------------------------- tests

describe('every endpoint succeeds against the sandbox', () => {
  it('runs the POS happy path with the documented headers and bodies', async () => {
    const seen: Array<{ method: string; path: string; headers: Headers; body: string | null }> = [];
    const observing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const body = request.body ? await request.clone().text() : null;
      seen.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers, body });
      return fetch(request);
    };
    const sequra = client({ fetch: observing });

    const order = orderPayload();
    const started = await sequra.startSolicitation(order);
    expect(started.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new URL(started.location).pathname).toBe(`/orders/${started.uuid}`);
    expect(new URL(started.location).host).toBe(new URL(sandbox.config.base_url).host);

    const methods = flattenPaymentMethods(await sequra.getOrderPaymentMethods(started.uuid));
    const i1 = methods.find((m) => m.product === 'i1');
    expect(i1).toMatchObject({ category: 'pay_later', campaign: null });
    expect(i1?.title).toEqual(expect.any(String));
    // 49,90 € is below pp3's minimum, so the order-specific list must not offer it.
    expect(methods.some((m) => m.product === 'pp3')).toBe(false);

    await sequra.sendFormBySms(started.uuid, { product_code: 'i1', campaign: null });
    expect(await sandboxOrder(started.uuid)).toMatchObject({ state: 'solicited', sms_sent: 1, product_code: 'i1' });

    await shopper(started.uuid, 'approve');
    const confirmed = confirmationOf(order, 'A14/12345');
    await sequra.updateSolicitedOrder(started.uuid, confirmed);
    expect(await sandboxOrder(started.uuid)).toMatchObject({ state: 'confirmed', order_ref_1: 'A14/12345' });
    // Re-confirming with the same payload is harmless (what the outbox relies on).
    await sequra.updateSolicitedOrder(started.uuid, confirmed);

    await sequra.updateOrder('A14/12345', shippedUpdate('A14/12345'));
    expect((await sandboxOrder(started.uuid)).state).toBe('shipped');

    // Wire checks on what the client sent.
    const basic = `Basic ${Buffer.from(`${sandbox.config.username}:${sandbox.config.password}`).toString('base64')}`;
    for (const request of seen) {
      expect(request.headers.get('authorization')).toBe(basic);
      expect(request.headers.get('accept')).toBe('application/json');
      expect(request.headers.get('sequra-merchant-id')).toBe(merchantId);
      expect(request.headers.get('user-agent')).toBe('sequra-pos-tests/0.1.0');
      if (request.method === 'GET') expect(request.headers.get('content-type')).toBeNull();
      else expect(request.headers.get('content-type')).toBe('application/json');
    }
    const post = seen.find((r) => r.method === 'POST' && r.path === '/orders');
    expect(Object.keys(JSON.parse(post!.body!) as object)).toEqual(['order']);
    const sms = seen.find((r) => r.path.endsWith('/form_deliveries'));
    expect(JSON.parse(sms!.body!)).toEqual({ channel: 'sms', product_code: 'i1' }); // not wrapped, no null campaign
    const update = seen.find((r) => r.path.startsWith(`/merchants/`) && r.method === 'PUT');
    expect(update!.path).toBe(`/merchants/${encodeURIComponent(merchantId)}/orders/A14%2F12345`);
    expect(JSON.parse(update!.body!)).toHaveProperty('order.shipped_cart.order_total_with_tax', ITEM_TOTAL);
  });

  it('reads the merchant payment methods, with pp5 and its campaign', async () => {
    const methods = flattenPaymentMethods(await client().getMerchantPaymentMethods());
    const products = methods.map((m) => m.product);
    expect(products).toEqual(expect.arrayContaining(['i1', 'sp1', 'pp3', 'pp5']));
    const pp5 = methods.find((m) => m.product === 'pp5');
    expect(pp5?.campaign).toEqual(expect.any(String));
    const pp3 = methods.find((m) => m.product === 'pp3');
    expect(pp3).toMatchObject({ category: 'part_payment', min_amount: expect.any(Number) });
  });

  it('sends the SMS for pp5 with its campaign', async () => {
    const sequra = client();
    const methods = flattenPaymentMethods(await sequra.getMerchantPaymentMethods());
    const pp5 = methods.find((m) => m.product === 'pp5')!;
    const { uuid } = await sequra.startSolicitation(orderPayload());
    await sequra.sendFormBySms(uuid, { product_code: 'pp5', campaign: pp5.campaign });
    expect(await sandboxOrder(uuid)).toMatchObject({ sms_sent: 1, product_code: 'pp5' });
  });

  it('lists the merchants these credentials reach, without their signature secret', async () => {
    const credentials = await client().checkCredentials();
    expect(credentials.map((c) => c.ref)).toEqual(sandbox.config.merchants.map((m) => m.ref));
    expect(credentials[0]).toMatchObject({ ref: merchantId, country: 'ES' });
    expect(credentials[0]).not.toHaveProperty('signature_secret');
  });
});

describe('SeQura refusals', () => {
  it('409 sum rule: the messages array carries SeQura sentence', async () => {
    // Our schema refuses a broken sum before sending (see "invalid payload" below), so the only way to hear the
    // sandbox's real 409 is to alter the bytes after validation, as a buggy proxy or a schema gap would.
    const tampering: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method !== 'POST' || new URL(request.url).pathname !== '/orders') return fetch(request);
      const body = JSON.parse(await request.text()) as { order: { cart: { order_total_with_tax: number } } };
      body.order.cart.order_total_with_tax += 42;
      return fetch(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(body) });
    };
    const error = await expectKind(client({ fetch: tampering }).startSolicitation(orderPayload()), 'validation');
    expect(error.status).toBe(409);
    expect(error.retryable).toBe(false);
    expect(error.messages).toEqual([
      `Invalid data: items' total_with_tax add up to ${ITEM_TOTAL} (${ITEM_TOTAL}) but order_total_with_tax is ${ITEM_TOTAL + 42}. The diff is 42.`,
    ]);
  });

  it('409 when confirming before the shopper was approved', async () => {
    const sequra = client();
    const order = orderPayload();
    const { uuid } = await sequra.startSolicitation(order);
    const error = await expectKind(sequra.updateSolicitedOrder(uuid, confirmationOf(order)), 'conflict');
    expect(error.status).toBe(409);
    expect(error.retryable).toBe(false);
    expect(error.messages.length).toBeGreaterThan(0);
    expect((await sandboxOrder(uuid)).state).toBe('solicited');
  });

  it('409 when the shopper was rejected', async () => {
    const sequra = client();
    const order = orderPayload();
    const { uuid } = await sequra.startSolicitation(order);
    await sequra.sendFormBySms(uuid, { product_code: 'i1' });
    await shopper(uuid, 'reject');
    const error = await expectKind(sequra.updateSolicitedOrder(uuid, confirmationOf(order)), 'conflict');
    expect(error.status).toBe(409);
  });

  it('401 with a wrong password, and the password never shows', async () => {
    const wrong = 'wrong-password-123';
    const sequra = client({ password: wrong });
    const error = await expectKind(sequra.checkCredentials(), 'unauthorized');
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.messages).toEqual(['HTTP Basic: Access denied.']);
    await expectKind(sequra.startSolicitation(orderPayload()), 'unauthorized');
    const everything = JSON.stringify({ ...error, message: error.message, summary: toErrorSummary(error) });
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(`${sandbox.config.username}:${wrong}`).toString('base64'));
  });

  it('403 for a merchant id these credentials do not own (API user redacted)', async () => {
    const sequra = client({ merchantId: 'someone_else' });
    const error = await expectKind(sequra.getMerchantPaymentMethods(), 'forbidden');
    expect(error.status).toBe(403);
    expect(error.messages).toEqual(["Bad merchant id 'someone_else' for [api-user]"]);
    expect(JSON.stringify(toErrorSummary(error))).not.toContain(sandbox.config.username);
    await expectKind(sequra.startSolicitation(orderPayload({ merchant: 'someone_else' })), 'forbidden');
  });

  it('403 "Bad order id" for payment methods of an unknown order', async () => {
    const error = await expectKind(
      client().getOrderPaymentMethods('00000000-0000-4000-8000-000000000000'),
      'forbidden',
    );
    expect(error.messages[0]).toMatch(/^Bad order id/);
  });

  it('404 when updating an order_ref_1 SeQura does not know', async () => {
    const error = await expectKind(client().updateOrder('NO-SUCH-REF', shippedUpdate('NO-SUCH-REF')), 'not_found');
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.messages).toEqual([]); // the HTML page is not a message
  });

  it('429 from the per-order SMS limit', async () => {
    const sequra = client();
    const { uuid } = await sequra.startSolicitation(orderPayload());
    for (let i = 0; i < sandbox.config.sms_limit; i++) await sequra.sendFormBySms(uuid, { product_code: 'i1' });
    const error = await expectKind(sequra.sendFormBySms(uuid, { product_code: 'i1' }), 'rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(0); // counts down to the oldest SMS leaving the window
    expect(error.messages.length).toBeGreaterThan(0);
    expect((await sandboxOrder(uuid)).sms_sent).toBe(sandbox.config.sms_limit);
  });
});

describe('faults injected by the sandbox', () => {
  it('429 with Retry-After on a write: retryAfterMs, and no hidden retry', async () => {
    await setFaults({ match: 'POST /orders', rate_limit_rate: 1, retry_after_s: 7 });
    const error = await expectKind(client().startSolicitation(orderPayload()), 'rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.retryable).toBe(true);
    expect((await seQuraRequests()).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('429 on a read waits out a short Retry-After between attempts', async () => {
    await setFaults({ match: 'GET /merchants', rate_limit_rate: 1, retry_after_s: 1 });
    const started = Date.now();
    const error = await expectKind(client({ readRetries: 1 }).getMerchantPaymentMethods(), 'rate_limited');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(error.retryAfterMs).toBe(1_000);
    expect(await seQuraRequests()).toHaveLength(2);
  });

  it('429 on a read with a long Retry-After is handed back at once', async () => {
    await setFaults({ match: 'GET /merchants', rate_limit_rate: 1, retry_after_s: 30 });
    const started = Date.now();
    const error = await expectKind(client().getMerchantPaymentMethods(), 'rate_limited');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.retryAfterMs).toBe(30_000);
    expect(await seQuraRequests()).toHaveLength(1);
  });

  it('5xx: server error; writes tried once, reads retried', async () => {
    await setFaults({ error_rate: 1 });
    const write = await expectKind(client().startSolicitation(orderPayload()), 'server');
    expect(write.status).toBeGreaterThanOrEqual(500);
    expect(write.retryable).toBe(true);
    expect(await seQuraRequests()).toHaveLength(1);

    await clearFaults();
    const sequra = client();
    const { uuid, order } = await approvedOrder(sequra);
    await setFaults({ error_rate: 1 });
    const before = (await seQuraRequests()).length;
    const put = await expectKind(sequra.updateSolicitedOrder(uuid, confirmationOf(order)), 'server');
    expect(put.retryable).toBe(true);
    expect((await seQuraRequests()).length).toBe(before + 1); // PUTs are not retried here either: the outbox owns that

    await control('POST', '/__sandbox/reset');
    await setFaults({ error_rate: 1 });
    const read = await expectKind(client({ readRetries: 2 }).checkCredentials(), 'server');
    expect(read.status).toBeGreaterThanOrEqual(500);
    expect((await seQuraRequests()).filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it("a read's own attempts are spaced: three never fall within a second (with the cashier's reload, a burst)", async () => {
    await setFaults({ match: 'GET /merchants/credentials', error_rate: 1 });
    await expectKind(client({ readRetries: 2 }).checkCredentials(), 'server');
    const times = (await seQuraRequests()).map((r) => Date.parse(r.at));
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(500);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('a read recovers when the fault clears between attempts', async () => {
    await setFaults({ match: 'GET /merchants/credentials', error_rate: 1 });
    let attempts = 0;
    // Observes each attempt and clears the fault once the first one has failed, before the retry goes out.
    const clearingAfterFirst: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      attempts += 1;
      if (attempts === 1) await clearFaults();
      return response;
    };
    const credentials = await client({ fetch: clearingAfterFirst, readRetries: 2 }).checkCredentials();
    expect(credentials.length).toBeGreaterThan(0);
    expect(attempts).toBe(2);
    expect((await seQuraRequests()).map((r) => r.status)).toEqual([500, 200]);
  });

  it('timeout: a hanging read times out (and is retried)', async () => {
    await setFaults({ match: 'GET /merchants', hang_rate: 1 });
    const started = Date.now();
    const error = await expectKind(client({ timeoutMs: 300, readRetries: 1 }).getMerchantPaymentMethods(), 'timeout');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('a total deadline covers the body: headers that arrive with a body that stalls end as a timeout', async () => {
    const sequra = client({ timeoutMs: 500, totalTimeoutMs: 1_500 });
    const { uuid } = await sequra.startSolicitation(orderPayload());
    await setFaults({ match: 'GET /orders/', stall_after_rate: 1 });
    const started = Date.now();
    const error = await expectKind(sequra.getOrderPaymentMethods(uuid), 'timeout');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await requestLog()).at(-1)).toMatchObject({ status: 200, fault: 'stall_after' });
  });

  it('the total deadline holds while the garbage collector runs (a stalled body once outlived it by minutes)', async () => {
    const sequra = client({ timeoutMs: 500, totalTimeoutMs: 1_500 });
    const { uuid } = await sequra.startSolicitation(orderPayload());
    await setFaults({ match: 'GET /orders/', stall_after_rate: 1 });
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 50);
    try {
      const started = Date.now();
      const error = await Promise.race([
        expectKind(sequra.getOrderPaymentMethods(uuid), 'timeout'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still waiting after 5 s')), 5_000)),
      ]);
      expect(error.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      clearInterval(collecting);
    }
  });

  it("a 5xx after SeQura applied the SMS (a gateway's 502/504) is a server error, never 'not sent'", async () => {
    const sequra = client();
    const { uuid } = await sequra.startSolicitation(orderPayload());
    await setFaults({ match: 'POST /orders/', error_after_rate: 1 });
    const error = await expectKind(sequra.sendFormBySms(uuid, { product_code: 'i1' }), 'server');
    expect([500, 502, 503, 504]).toContain(error.status);
    expect(((await sandboxOrder(uuid)) as { sms_sent: number }).sms_sent).toBe(1);
  });

  it('timeout on a write is an unknown outcome: not retryable for POST, retryable for PUT', async () => {
    const sequra = client({ timeoutMs: 300 });
    await setFaults({ match: 'POST /orders', hang_rate: 1 });
    const post = await expectKind(sequra.startSolicitation(orderPayload()), 'unknown_outcome');
    expect(post.retryable).toBe(false);
    expect(post.networkCode).toBe('TIMEOUT');

    await clearFaults();
    const { uuid, order } = await approvedOrder(sequra);
    await setFaults({ match: 'PUT /orders', hang_rate: 1 });
    const put = await expectKind(sequra.updateSolicitedOrder(uuid, confirmationOf(order)), 'unknown_outcome');
    expect(put.retryable).toBe(true);
  });

  it('unknown outcome: POST /orders applied by SeQura, answer lost', async () => {
    await setFaults({ match: 'POST /orders', reset_after_rate: 1 });
    const error = await expectKind(client().startSolicitation(orderPayload()), 'unknown_outcome');
    expect(error.retryable).toBe(false);
    expect(error.status).toBeUndefined();
    expect(codeForSequraKind(toErrorSummary(error).kind)).toBe('sequra_unknown_outcome');

    const posts = (await seQuraRequests()).filter((r) => r.method === 'POST' && r.path === '/orders');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.status).toBeNull();
    const uuid = posts[0]!.order_uuid;
    expect(uuid).toEqual(expect.any(String));
    expect((await sandboxOrder(uuid!)).state).toBe('solicited'); // the order exists at SeQura
  });

  it('unknown outcome: a reset before apply looks the same to the client (and nothing was created)', async () => {
    await setFaults({ match: 'POST /orders', reset_before_rate: 1 });
    await expectKind(client().startSolicitation(orderPayload()), 'unknown_outcome');
    const posts = (await seQuraRequests()).filter((r) => r.method === 'POST');
    expect(posts.every((r) => r.order_uuid === null)).toBe(true);
  });

  it('unknown outcome on the confirm PUT is retryable, and replaying it is safe', async () => {
    const sequra = client();
    const { uuid, order } = await approvedOrder(sequra);
    const confirm = confirmationOf(order, 'T-1001');
    await setFaults({ match: 'PUT /orders', reset_after_rate: 1 });
    const error = await expectKind(sequra.updateSolicitedOrder(uuid, confirm), 'unknown_outcome');
    expect(error.retryable).toBe(true);
    expect((await sandboxOrder(uuid)).state).toBe('confirmed'); // SeQura applied it
    await clearFaults();
    await sequra.updateSolicitedOrder(uuid, confirm); // the outbox's replay
    expect(await sandboxOrder(uuid)).toMatchObject({ state: 'confirmed', order_ref_1: 'T-1001' });
  });

  it('a dropped connection on a read is retried and ends as offline', async () => {
    await setFaults({ match: 'GET /merchants', reset_after_rate: 1 });
    const error = await expectKind(client({ readRetries: 2 }).getMerchantPaymentMethods(), 'offline');
    expect(error.retryable).toBe(true);
    expect(await seQuraRequests()).toHaveLength(3);
  });
});

describe('transport failures', () => {
  it('offline: a port nothing listens on (nothing sent, so even POST is safe to retry)', async () => {
    const port = await closedPort();
    const sequra = client({ baseUrl: `http://127.0.0.1:${port}/` });
    const post = await expectKind(sequra.startSolicitation(orderPayload()), 'offline');
    expect(post.retryable).toBe(true);
    expect(post.networkCode).toBe('ECONNREFUSED');
    expect(post.message).not.toContain(String(port));
    await expectKind(sequra.checkCredentials(), 'offline');
    await expectKind(
      sequra.updateSolicitedOrder('00000000-0000-4000-8000-000000000000', confirmationOf(orderPayload())),
      'offline',
    );
  });

  it("offline: Electron's net::ERR_INTERNET_DISCONNECTED from the injected fetch", async () => {
    const disconnected: typeof fetch = async () => {
      throw new Error('net::ERR_INTERNET_DISCONNECTED');
    };
    const sequra = client({ fetch: disconnected });
    const error = await expectKind(sequra.startSolicitation(orderPayload()), 'offline');
    expect(error.networkCode).toBe('net::ERR_INTERNET_DISCONNECTED');
    expect(error.retryable).toBe(true);
    await expectKind(sequra.updateOrder('T-1', shippedUpdate('T-1')), 'offline');
    expect(toErrorSummary(error)).toMatchObject({ kind: 'offline', retryable: true });
    expect(codeForSequraKind('offline')).toBe('sequra_unreachable');
    expect(await seQuraRequests()).toHaveLength(0);
  });
});

describe('unexpected responses', () => {
  it('a 200 whose body is not the payment-methods shape', async () => {
    const bogus: typeof fetch = async (input, init) => {
      const real = await fetch(input, init);
      await real.body?.cancel();
      return new Response(JSON.stringify({ payment_options: [{ title: 42, methods: 'none' }] }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const error = await expectKind(client({ fetch: bogus }).getMerchantPaymentMethods(), 'unexpected_response');
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(false);
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['payment_options.0.title']));
  });

  it('a 200 that is not JSON at all (a captive portal page)', async () => {
    const portal: typeof fetch = async (input, init) => {
      await (await fetch(input, init)).body?.cancel();
      return new Response('<html>Log in to the store Wi-Fi</html>', {
        status: 200,
        headers: { 'Content-Type': 'text/html' },
      });
    };
    await expectKind(client({ fetch: portal }).checkCredentials(), 'unexpected_response');
  });

  it('a 204 without Location: SeQura created something we cannot address', async () => {
    const noLocation: typeof fetch = async (input, init) => {
      const real = await fetch(input, init);
      return new Response(null, { status: real.status, headers: {} });
    };
    const error = await expectKind(
      client({ fetch: noLocation }).startSolicitation(orderPayload()),
      'unexpected_response',
    );
    expect(error.status).toBe(204);
    expect(error.retryable).toBe(false);
    expect((await seQuraRequests()).filter((r) => r.method === 'POST' && r.order_uuid !== null)).toHaveLength(1);
  });

  it('a 409 whose body is not SeQura error JSON', async () => {
    const proxyPage: typeof fetch = async (input, init) => {
      await (await fetch(input, init)).body?.cancel();
      return new Response('<html>conflict</html>', { status: 409, headers: { 'Content-Type': 'text/html' } });
    };
    const error = await expectKind(
      client({ fetch: proxyPage }).startSolicitation(orderPayload()),
      'unexpected_response',
    );
    expect(error.status).toBe(409);
  });
});

describe('invalid payloads never leave the till', () => {
  it('refuses a broken sum, a forbidden URL, a foreign merchant and a pp5 without campaign, sending nothing', async () => {
    const sequra = client();

    const broken = orderPayload();
    broken.cart = { ...broken.cart!, order_total_with_tax: ITEM_TOTAL + 1 };
    const sum = await expectKind(sequra.startSolicitation(broken), 'invalid_payload');
    expect(sum.issues.map((i) => i.path)).toContain('cart.order_total_with_tax');
    expect(toErrorSummary(sum)).toMatchObject({ kind: 'invalid_payload', retryable: false });

    const withUrl = orderPayload() as OrderPayload & { merchant: Record<string, unknown> };
    withUrl.merchant = { ...withUrl.merchant, notify_url: 'https://shop.example/ipn' };
    await expectKind(sequra.startSolicitation(withUrl), 'invalid_payload');

    const foreign = await expectKind(
      sequra.startSolicitation(orderPayload({ merchant: 'someone_else' })),
      'invalid_payload',
    );
    expect(foreign.issues[0]?.path).toBe('merchant.id');

    await expectKind(
      sequra.sendFormBySms('00000000-0000-4000-8000-000000000000', { product_code: 'pp5' }),
      'invalid_payload',
    );
    await expectKind(sequra.sendFormBySms('', { product_code: 'i1' }), 'invalid_payload');
    await expectKind(sequra.updateOrder('T-2', shippedUpdate('T-1')), 'invalid_payload');

    expect(await seQuraRequests()).toHaveLength(0);
  });
});
