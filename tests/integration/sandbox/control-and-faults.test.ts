// The control API (/__sandbox/) and fault injection on SeQura endpoints.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver } from '../../../sandbox/index.ts';
import { sampleOrder, type JsonObject } from '../../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

let sandbox: RunningSandbox;
let driver: SandboxDriver;

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true, reviewDelayMs: 100, smsLimit: 5, solicitationTtlS: 120, seed: 42 });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());
afterEach(async () => {
  expect((await driver.control('DELETE', '/faults')).status).toBe(204);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LogEntry {
  method: string;
  path: string;
  status: number | null;
  at: string;
  order_uuid: string | null;
  body_sha256: string | null;
  fault: string | null;
  order_key: string | null;
  retry_after_s: number | null;
  before_retry_after: boolean;
}

async function setFaults(faults: JsonObject): Promise<void> {
  const reply = await driver.control('POST', '/faults', faults);
  expect(reply.status, reply.text).toBe(200);
}

async function lastLogEntry(): Promise<LogEntry> {
  return (await driver.control('GET', '/requests?limit=1')).json<LogEntry[]>()[0]!;
}

async function orderCount(): Promise<number> {
  return (await driver.control('GET', '/orders')).json<unknown[]>().length;
}

describe('GET /__sandbox/config', () => {
  it('returns the credentials and settings', async () => {
    const reply = await driver.control('GET', '/config');
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({
      base_url: sandbox.baseUrl,
      username: 'sandbox-user',
      password: 'sandbox-secret',
      merchants: [{ ref: 'pos_demo_es', country: 'ES' }],
      sms_limit: 5,
      review_delay_ms: 100,
      solicitation_ttl_s: 120,
      approval_ttl_s: 1800,
      strict: true,
    });
    expect(reply.json()).toEqual(sandbox.config);
  });
});

describe('orders', () => {
  it('GET /__sandbox/orders/{uuid} shows the state, SMS count, product, references and carts', async () => {
    const order = sampleOrder({ lines: [6000] });
    const uuid = await driver.createOrder(order);
    await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp5', campaign: 'temporary' });
    const view = (await driver.control('GET', `/orders/${uuid}`)).json<JsonObject>();
    expect(view).toMatchObject({
      uuid,
      merchant_id: 'pos_demo_es',
      state: 'solicited',
      sms_sent: 1,
      product_code: 'pp5',
      campaign: 'temporary',
      order_ref_1: null,
      confirmed_count: 0,
      order_total_with_tax: 6000,
      cart: order.cart,
      shipped_cart: null,
      unshipped_cart: null,
      location: `${sandbox.baseUrl}/orders/${uuid}`,
      phone_url: sandbox.phoneUrl(uuid),
    });
    expect((view.sms as Array<{ text: string }>)[0]!.text).toContain('60,00 €');
  });

  it('lists orders, filtered by state', async () => {
    const uuid = await driver.createOrder();
    const all = (await driver.control('GET', '/orders')).json<Array<{ uuid: string }>>();
    expect(all.map((order) => order.uuid)).toContain(uuid);
    const solicitedOnly = (await driver.control('GET', '/orders?state=solicited')).json<Array<{ state: string }>>();
    expect(solicitedOnly.every((order) => order.state === 'solicited')).toBe(true);
    expect((await driver.control('GET', '/orders?state=bogus')).status).toBe(400);
  });

  it('answers 404 JSON for unknown orders and unknown control paths', async () => {
    expect((await driver.control('GET', '/orders/nope')).status).toBe(404);
    expect((await driver.shopper('nope', 'approve')).status).toBe(404);
    const unknown = await driver.control('GET', '/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.json<{ errors: string[] }>().errors[0]).toMatch(/No sandbox control endpoint/);
  });
});

describe('POST /__sandbox/orders/{uuid}/shopper', () => {
  it('applies each outcome and answers 200 with the new state', async () => {
    const expected: Array<[Parameters<SandboxDriver['shopper']>[1], string]> = [
      ['approve', 'approved'],
      ['review_approve', 'needs_review'],
      ['review_cancel', 'needs_review'],
      ['reject', 'rejected'],
      ['abandon', 'expired'],
    ];
    for (const [outcome, state] of expected) {
      const uuid = await driver.createOrder();
      await driver.sendSms(uuid);
      const reply = await driver.shopper(uuid, outcome);
      expect(reply.status, outcome).toBe(200);
      expect(reply.json(), outcome).toMatchObject({ uuid, state });
    }
  });

  it('answers 409 (with the state) before any SMS and once the shopper has answered', async () => {
    const uuid = await driver.createOrder();
    const early = await driver.shopper(uuid, 'approve');
    expect(early.status).toBe(409);
    expect(early.json()).toEqual({
      errors: ['No SMS has been sent for this order yet, so the shopper has no form to answer'],
      state: 'solicited',
    });
    await driver.sendSms(uuid);
    await driver.shopper(uuid, 'reject');
    const late = await driver.shopper(uuid, 'approve');
    expect(late.status).toBe(409);
    expect(late.json()).toEqual({
      errors: ['The order is rejected; the shopper can only answer a solicited order'],
      state: 'rejected',
    });
  });

  it('answers 400 for an unknown outcome or extra keys', async () => {
    const uuid = await driver.createOrder();
    await driver.sendSms(uuid);
    expect((await driver.control('POST', `/orders/${uuid}/shopper`, { outcome: 'maybe' })).status).toBe(400);
    expect((await driver.control('POST', `/orders/${uuid}/shopper`, { outcome: 'approve', delay_ms: 5 })).status).toBe(
      400,
    );
    expect((await driver.control('POST', `/orders/${uuid}/shopper`, '{"outcome":')).status).toBe(400);
    expect(await driver.orderState(uuid)).toBe('solicited');
  });
});

describe('GET /__sandbox/requests', () => {
  it('logs SeQura requests with method, path, status, time, order uuid and body hash (not control calls)', async () => {
    const order = sampleOrder();
    const body = JSON.stringify({ order });
    const reply = await driver.request('POST', '/orders', { body });
    const uuid = reply.headers.get('location')!.split('/').pop()!;
    await driver.request('GET', '/merchants/pos_demo_es/payment_methods');
    const entries = (await driver.control('GET', '/requests')).json<LogEntry[]>();
    const created = entries.find((entry) => entry.order_uuid === uuid)!;
    expect(created).toEqual({
      method: 'POST',
      path: '/orders',
      status: 204,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      order_uuid: uuid,
      body_sha256: createHash('sha256').update(body).digest('hex'),
      fault: null,
      order_key: 'POST /orders#sale-1#1',
      retry_after_s: null,
      before_retry_after: false,
    });
    expect(entries.at(-1)).toMatchObject({
      method: 'GET',
      path: '/merchants/pos_demo_es/payment_methods',
      status: 200,
      body_sha256: null,
      order_uuid: null,
    });
    expect(entries.some((entry) => entry.path.startsWith('/__sandbox'))).toBe(false);
    const forOrder = (await driver.control('GET', `/requests?order_uuid=${uuid}`)).json<LogEntry[]>();
    expect(forOrder).toHaveLength(1);
  });
});

describe('POST /__sandbox/faults', () => {
  it('validates the body: unknown keys, out-of-range rates, rates adding up beyond 1, bad match', async () => {
    for (const faults of [
      { error_rate: 0.1, surprise: true },
      { error_rate: 1.5 },
      { error_rate: 0.6, hang_rate: 0.6 },
      { match: 'orders' },
      { latency_ms: -1 },
    ]) {
      const reply = await driver.control('POST', '/faults', faults);
      expect(reply.status, JSON.stringify(faults)).toBe(400);
      expect(reply.json<{ errors: string[] }>().errors.length).toBeGreaterThan(0);
    }
  });

  it('shows and clears the active faults', async () => {
    await setFaults({ match: 'PUT /orders', error_rate: 0.25, retry_after_s: 3 });
    expect((await driver.control('GET', '/faults')).json()).toEqual({
      faults: { match: 'PUT /orders', error_rate: 0.25, retry_after_s: 3 },
      partition_remaining_s: 0,
    });
    expect((await driver.control('DELETE', '/faults')).status).toBe(204);
    expect((await driver.control('GET', '/faults')).json()).toEqual({ faults: null, partition_remaining_s: 0 });
  });

  it('latency_ms delays SeQura endpoints only', async () => {
    await setFaults({ latency_ms: 400 });
    let started = Date.now();
    expect((await driver.request('GET', '/merchants/credentials')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(await lastLogEntry()).toMatchObject({ status: 200, fault: 'latency' });
    started = Date.now();
    await driver.control('GET', '/config');
    await driver.request('GET', '/phone', { auth: false });
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('error_rate answers 5xx without applying the request', async () => {
    await setFaults({ error_rate: 1 });
    const before = await orderCount();
    const reply = await driver.request('POST', '/orders', { body: { order: sampleOrder() } });
    expect(reply.status).toBe(500);
    expect(await orderCount()).toBe(before);
    expect(await lastLogEntry()).toMatchObject({ method: 'POST', path: '/orders', status: 500, fault: 'error' });
    expect((await driver.request('GET', '/phone', { auth: false })).status).toBe(200);
  });

  it('rate_limit_rate answers 429 with Retry-After = retry_after_s', async () => {
    await setFaults({ rate_limit_rate: 1, retry_after_s: 7 });
    const reply = await driver.request('GET', '/merchants/credentials');
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(reply.json<{ errors: string[] }>().errors).toHaveLength(1);
  });

  it('reset_before_rate drops the connection before the request takes effect', async () => {
    await setFaults({ reset_before_rate: 1 });
    const before = await orderCount();
    await expect(driver.request('POST', '/orders', { body: { order: sampleOrder() } })).rejects.toThrow();
    expect(await orderCount()).toBe(before);
    expect(await lastLogEntry()).toMatchObject({
      method: 'POST',
      path: '/orders',
      status: null,
      fault: 'reset_before',
      order_uuid: null,
    });
  });

  it('reset_after_rate applies the request, then drops the connection: the answer is lost', async () => {
    await setFaults({ match: 'POST /orders$', reset_after_rate: 1 });
    const before = await orderCount();
    await expect(driver.request('POST', '/orders', { body: { order: sampleOrder() } })).rejects.toThrow();
    expect(await orderCount()).toBe(before + 1);
    const entry = await lastLogEntry();
    expect(entry).toMatchObject({ method: 'POST', path: '/orders', status: null, fault: 'reset_after' });
    expect(await driver.orderState(entry.order_uuid!)).toBe('solicited');
  });

  it('reset_after on a confirm leaves the order confirmed; the retried confirm answers 200', async () => {
    const order = sampleOrder();
    const uuid = await driver.createOrder(order);
    await driver.sendSms(uuid);
    await driver.shopper(uuid, 'approve');
    await setFaults({ match: 'PUT /orders/', reset_after_rate: 1 });
    await expect(driver.confirm(uuid, order, 'T-UNKNOWN-OUTCOME')).rejects.toThrow();
    expect(await driver.orderState(uuid)).toBe('confirmed');
    await driver.control('DELETE', '/faults');
    expect((await driver.confirm(uuid, order, 'T-UNKNOWN-OUTCOME')).status).toBe(200);
    expect((await driver.control('GET', `/orders/${uuid}`)).json()).toMatchObject({
      confirmed_count: 2,
      order_ref_1: 'T-UNKNOWN-OUTCOME',
    });
  });

  it('error_after_rate applies the request, then answers 5xx (SeQura or a gateway: 500, 502, 503, 504)', async () => {
    await setFaults({ match: 'POST /orders$', error_after_rate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i += 1) {
      const before = await orderCount();
      const reply = await driver.request('POST', '/orders', { body: { order: sampleOrder({ cartRef: `ea-${i}` }) } });
      expect(await orderCount()).toBe(before + 1);
      statuses.add(reply.status);
      const entry = await lastLogEntry();
      expect(entry).toMatchObject({ method: 'POST', path: '/orders', status: reply.status, fault: 'error_after' });
      expect(await driver.orderState(entry.order_uuid!)).toBe('solicited');
    }
    expect([...statuses].every((status) => [500, 502, 503, 504].includes(status))).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
  });

  it('error_after on form_deliveries: the SMS went out although the answer was a 5xx', async () => {
    const uuid = await driver.createOrder();
    await setFaults({ match: 'POST /orders/', error_after_rate: 1 });
    const reply = await driver.request('POST', `/orders/${uuid}/form_deliveries`, {
      body: { channel: 'sms', product_code: 'i1' },
    });
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect((await driver.control('GET', `/orders/${uuid}`)).json()).toMatchObject({ sms_sent: 1 });
  });

  it('stall_after_rate applies the request, then sends the headers and half the body, and stalls', async () => {
    const uuid = await driver.createOrder();
    await setFaults({ match: 'GET /orders/', stall_after_rate: 1 });
    const response = await fetch(`${sandbox.baseUrl}/orders/${uuid}/payment_methods`, {
      headers: { Authorization: `Basic ${Buffer.from('sandbox-user:sandbox-secret').toString('base64')}` },
      signal: AbortSignal.timeout(800),
    });
    expect(response.status).toBe(200);
    const started = Date.now();
    await expect(response.text()).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(await lastLogEntry()).toMatchObject({ status: 200, fault: 'stall_after' });
  });

  it('a request for the same order before its Retry-After gets 429 again, and the log says it was early', async () => {
    const uuid = await driver.createOrder();
    await setFaults({ match: 'POST /orders/', rate_limit_rate: 1, retry_after_s: 2 });
    const sms = { body: { channel: 'sms', product_code: 'i1' } };
    const first = await driver.request('POST', `/orders/${uuid}/form_deliveries`, sms);
    expect(first.status).toBe(429);
    expect(await lastLogEntry()).toMatchObject({ retry_after_s: 2, before_retry_after: false });
    await driver.control('DELETE', '/faults');
    const early = await driver.request('POST', `/orders/${uuid}/form_deliveries`, sms);
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await lastLogEntry()).toMatchObject({
      status: 429,
      before_retry_after: true,
      order_key: `POST /orders/${uuid}/form_deliveries`,
    });
    // Another order is not held back.
    const other = await driver.createOrder();
    expect((await driver.request('POST', `/orders/${other}/form_deliveries`, sms)).status).toBe(204);
    await driver.advanceClock(2_000);
    expect((await driver.request('POST', `/orders/${uuid}/form_deliveries`, sms)).status).toBe(204);
  });

  it('hang_rate never answers; the client has to time out', async () => {
    await setFaults({ match: 'GET /merchants', hang_rate: 1 });
    const started = Date.now();
    await expect(
      driver.request('GET', '/merchants/credentials', { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await lastLogEntry()).toMatchObject({ path: '/merchants/credentials', status: null, fault: 'hang' });
    // Other endpoints are outside the match.
    expect((await driver.request('GET', '/deployments')).status).toBe(200);
  });

  it('match limits faults to a method and path prefix', async () => {
    await setFaults({ match: 'PUT /orders', error_rate: 1 });
    expect((await driver.request('POST', '/orders', { body: { order: sampleOrder() } })).status).toBe(204);
    expect((await driver.request('PUT', '/orders/anything', { body: { order: {} } })).status).toBe(500);
  });

  it('partition_s drops every SeQura connection, held ones included, then heals', async () => {
    await setFaults({ match: 'GET /merchants', hang_rate: 1 });
    const hung = driver.request('GET', '/merchants/credentials');
    await sleep(50);
    await setFaults({ partition_s: 30 });
    await expect(hung).rejects.toThrow();
    await expect(driver.request('GET', '/deployments')).rejects.toThrow();
    await expect(driver.request('POST', '/orders', { body: { order: sampleOrder() } })).rejects.toThrow();
    expect(await lastLogEntry()).toMatchObject({ path: '/orders', status: null, fault: 'partition' });
    expect((await driver.control('GET', '/config')).status).toBe(200);
    expect((await driver.request('GET', '/phone', { auth: false })).status).toBe(200);
    // Still partitioned, by the sandbox's clock, until it is moved past the 30 s.
    expect(
      (await driver.control('GET', '/faults')).json<{ partition_remaining_s: number }>().partition_remaining_s,
    ).toBeGreaterThan(29);
    await expect(driver.request('GET', '/deployments')).rejects.toThrow();
    await driver.advanceClock(30_000);
    expect((await driver.request('GET', '/deployments')).status).toBe(200);
  });

  it('is reproducible: the same faults and requests give the same outcomes (seeded)', async () => {
    async function run(): Promise<number[]> {
      await setFaults({ match: 'GET /merchants/credentials', error_rate: 0.3, rate_limit_rate: 0.3 });
      const statuses: number[] = [];
      for (let index = 0; index < 20; index += 1)
        statuses.push((await driver.request('GET', '/merchants/credentials')).status);
      return statuses;
    }
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 500]));
  });
});

describe('the sandbox clock', () => {
  it('reads an injected time source, and POST /__sandbox/clock moves it forward, never back', async () => {
    let source = Date.parse('2026-03-01T09:00:00.000Z');
    const timed = await startSandbox({ quiet: true, now: () => source });
    try {
      const timedDriver = new SandboxDriver(timed);
      expect((await timedDriver.control('GET', '/clock')).json()).toEqual({ now: '2026-03-01T09:00:00.000Z' });
      await timedDriver.createOrder();
      const [created] = (await timedDriver.control('GET', '/requests')).json<Array<{ at: string }>>();
      expect(created!.at).toBe('2026-03-01T09:00:00.000Z');

      source += 1_000;
      const advanced = await timedDriver.control('POST', '/clock', { advance_ms: 3_600_000 });
      expect(advanced.json()).toEqual({ now: '2026-03-01T10:00:01.000Z' });
      for (const bad of [{ advance_ms: -1 }, { advance_ms: 1.5 }, {}, { advance_ms: 1, extra: true }])
        expect((await timedDriver.control('POST', '/clock', bad)).status, JSON.stringify(bad)).toBe(400);
      // A reset empties the sandbox but leaves time where it is.
      await timedDriver.control('POST', '/reset');
      expect((await timedDriver.control('GET', '/clock')).json()).toEqual({ now: '2026-03-01T10:00:01.000Z' });
    } finally {
      await timed.close();
    }
  });
});

describe('POST /__sandbox/reset', () => {
  it('empties orders, the request log and faults', async () => {
    await driver.createOrder();
    await setFaults({ latency_ms: 10 });
    expect((await driver.control('POST', '/reset')).status).toBe(204);
    expect((await driver.control('GET', '/orders')).json()).toEqual([]);
    expect((await driver.control('GET', '/requests')).json()).toEqual([]);
    expect((await driver.control('GET', '/faults')).json()).toEqual({ faults: null, partition_remaining_s: 0 });
  });
});

describe('close()', () => {
  it('returns promptly with a hung request and idle keep-alive connections open', async () => {
    const doomed = await startSandbox({ quiet: true });
    const doomedDriver = new SandboxDriver(doomed);
    await doomedDriver.request('GET', '/merchants/credentials');
    await doomedDriver.control('POST', '/faults', { hang_rate: 1 });
    const hung = doomedDriver.request('GET', '/merchants/credentials').catch((error: unknown) => error);
    await sleep(50);
    const started = Date.now();
    await doomed.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(Error);
  });
});
