// The till's traffic when SeQura's answer is ambiguous or says "wait", driven through the real core against
// the strict sandbox over loopback HTTP: non-idempotent calls (POST /orders, form_deliveries) are retried by
// the till itself only when known not to have reached SeQura, at most once, never before Retry-After, and each
// automatic retry shows in the sale's timeline; a 5xx after sending is "may have happened".
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { SandboxDriver, startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  call,
  callError,
  makeDataDir,
  removeDir,
  sandboxOrder,
  setFaults,
  shopper,
  startCore,
  waitFor,
} from '../support/till.ts';

interface LoggedRequest {
  method: string;
  path: string;
  status: number | null;
  at: string;
  fault: string | null;
  before_retry_after: boolean;
}

let sandbox: RunningSandbox;
let dataDir: string;
let core: Core | null = null;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 50, smsLimit: 1 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  dataDir = makeDataDir('sequra-pos-traffic-');
});
afterEach(async () => {
  await core?.stop();
  core = null;
  await setFaults(sandbox, null);
  removeDir(dataDir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function requests(): Promise<LoggedRequest[]> {
  return (await (await fetch(`${sandbox.baseUrl}/__sandbox/requests`)).json()) as LoggedRequest[];
}

async function current(): Promise<SaleRecord> {
  return (await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!;
}

async function draftSale(): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core!, 'sale.create');
  await call(core!, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  return created;
}

async function solicitedSale(): Promise<SaleRecord> {
  const created = await draftSale();
  const sale = await call<SaleRecord>(core!, 'sale.start', { saleId: created.id });
  expect(sale.step).toBe('choose_product');
  return sale;
}

const events = (sale: SaleRecord) => sale.timeline.map((entry) => entry.event);

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A fetch whose form_deliveries calls meet a closed port while `refusing` is set: a real ECONNREFUSED, the one
 * outcome known not to have reached SeQura. Everything else (probes included) reaches the sandbox.
 */
function refusingSmsFetch(port: number) {
  const state = { refusing: true, refused: 0 };
  const refusing: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (state.refusing && url.pathname.endsWith('/form_deliveries')) {
      state.refused += 1;
      url.port = String(port);
      return globalThis.fetch(input instanceof Request ? new Request(url, input) : url, init);
    }
    return globalThis.fetch(input, init);
  };
  return { fetch: refusing, state };
}

describe('SMS (POST form_deliveries, not idempotent)', () => {
  it('a 5xx after SeQura sent it (a gateway 502/504 too) is "may have been sent": never resent by itself', async () => {
    core = await startCore({ dataDir, sandbox });
    const sale = await solicitedSale();
    await setFaults(sandbox, { match: 'POST /orders/', error_after_rate: 1 });
    const after = await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    expect(after).toMatchObject({ step: 'awaiting_approval', sms: { uncertain: true, queued: false } });
    expect(events(after)).toContain('sms_uncertain');
    await setFaults(sandbox, null);
    // SeQura answers again and keeps answering: several probes go by, and nothing is sent by itself.
    core.nudgeConnectivity();
    await sleep(3_500);
    const deliveries = (await requests()).filter((r) => r.path.endsWith('/form_deliveries'));
    expect(deliveries).toHaveLength(1);
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).sms_sent).toBe(1);
    expect(core.pendingWork().queuedSales).toBe(0);
  });

  it('known not sent (connection refused) goes by itself once when SeQura answers, shown in the timeline', async () => {
    const refused = refusingSmsFetch(await closedPort());
    core = await startCore({ dataDir, sandbox, fetch: refused.fetch });
    const sale = await solicitedSale();
    const queued = await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    expect(queued).toMatchObject({ step: 'sending_sms', sms: { queued: true } });
    refused.state.refusing = false;
    const sent = await waitFor(current, (s) => s.step === 'awaiting_approval', 8_000);
    expect(sent.sms).toMatchObject({ sentCount: 1, uncertain: false, queued: false });
    expect(events(sent)).toContain('sms_auto_retry');
    expect(refused.state.refused).toBe(1);
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).sms_sent).toBe(1);
  });

  it('known not sent is retried by itself at most once: then it is back with the cashier', async () => {
    const refused = refusingSmsFetch(await closedPort());
    core = await startCore({ dataDir, sandbox, fetch: refused.fetch });
    const sale = await solicitedSale();
    await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    // Probes reach SeQura (only the SMS is refused): the one automatic retry happens, and fails too.
    const back = await waitFor(current, (s) => s.step === 'choose_product', 8_000);
    expect(back.lastError?.code).toBe('sequra_unreachable');
    expect(events(back).filter((e) => e === 'sms_auto_retry')).toHaveLength(1);
    await sleep(3_500);
    expect(refused.state.refused).toBe(2);
    expect(core.pendingWork().queuedSales).toBe(0);
  });

  it('a 429 that is not the per-order SMS limit waits for its Retry-After and is not shown as the SMS limit', async () => {
    core = await startCore({ dataDir, sandbox });
    const sale = await solicitedSale();
    await setFaults(sandbox, { match: 'POST /orders/', rate_limit_rate: 1, retry_after_s: 3 });
    const asked = Date.now();
    const limited = await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    expect(limited.sms.blockedUntil).toBeNull();
    expect(events(limited)).not.toContain('sms_limit_reached');
    expect(Date.parse(limited.waitUntil!) - asked).toBeGreaterThanOrEqual(2_900);
    await setFaults(sandbox, null);
    const sent = await waitFor(current, (s) => s.step === 'awaiting_approval', 10_000);
    expect(sent.sms.sentCount).toBe(1);
    expect(events(sent)).toContain('sms_auto_retry');
    expect((await requests()).filter((r) => r.before_retry_after)).toEqual([]);
  });

  it('the per-order SMS limit blocks "Resend SMS" at the till: no request reaches SeQura until it passes', async () => {
    core = await startCore({ dataDir, sandbox });
    const sale = await solicitedSale();
    await call(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    // The sandbox allows one SMS per order here: the first resend reveals the limit.
    const limit = await callError(core, 'sale.resendSms', { saleId: sale.id });
    expect(limit.code).toBe('sequra_rate_limited');
    const blocked = await current();
    expect(blocked.sms.blockedUntil).not.toBeNull();
    expect(events(blocked)).toContain('sms_limit_reached');
    const before = (await requests()).length;
    expect((await callError(core, 'sale.resendSms', { saleId: sale.id })).code).toBe('sequra_rate_limited');
    expect(await requests()).toHaveLength(before);
  });
});

describe('start (POST /orders, not idempotent)', () => {
  it('a 429 holds the queued start until its Retry-After: no probe and no press sends it earlier', async () => {
    core = await startCore({ dataDir, sandbox });
    const draft = await draftSale();
    await setFaults(sandbox, { match: 'POST /orders$', rate_limit_rate: 1, retry_after_s: 5 });
    const asked = Date.now();
    const queued = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    expect(queued.step).toBe('start_queued');
    expect(Date.parse(queued.waitUntil!) - asked).toBeGreaterThanOrEqual(4_900);
    await setFaults(sandbox, null);
    // The cashier presses again before the time: the till explains instead of sending.
    const early = await callError(core, 'sale.start', { saleId: draft.id });
    expect(early.code).toBe('sequra_rate_limited');
    const started = await waitFor(current, (s) => s.step === 'choose_product', 12_000);
    expect(events(started)).toContain('start_auto_retry');
    const posts = (await requests()).filter((r) => r.method === 'POST' && r.path === '/orders');
    expect(posts.map((p) => p.status)).toEqual([429, 204]);
    expect(Date.parse(posts[1]!.at) - Date.parse(posts[0]!.at)).toBeGreaterThanOrEqual(4_990);
    expect(posts.some((p) => p.before_retry_after)).toBe(false);
  });

  it('a 5xx after SeQura applied it is an uncertain start, never re-sent by itself', async () => {
    core = await startCore({ dataDir, sandbox });
    const draft = await draftSale();
    await setFaults(sandbox, { match: 'POST /orders$', error_after_rate: 1 });
    await callError(core, 'sale.start', { saleId: draft.id });
    expect((await current()).step).toBe('start_uncertain');
    await setFaults(sandbox, null);
    core.nudgeConnectivity();
    await sleep(3_500);
    expect((await requests()).filter((r) => r.method === 'POST' && r.path === '/orders')).toHaveLength(1);
    expect((await current()).step).toBe('start_uncertain');
  });
});

describe('product list', () => {
  it('loads again on the same solicitation after a failure', async () => {
    core = await startCore({ dataDir, sandbox });
    const draft = await draftSale();
    await setFaults(sandbox, { match: 'GET /orders/', error_rate: 1 });
    const failed = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    expect(failed).toMatchObject({ step: 'choose_product', paymentOptions: null });
    expect(failed.lastError?.code).toBe('sequra_unreachable');
    await setFaults(sandbox, null);
    const loaded = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    expect(loaded.solicitation!.uuid).toBe(failed.solicitation!.uuid);
    expect(loaded.paymentOptions!.length).toBeGreaterThan(0);
    expect((await requests()).filter((r) => r.method === 'POST' && r.path === '/orders')).toHaveLength(1);
  });

  it('"load again" pressed while the list is still loading waits for that load: one request for the order', async () => {
    core = await startCore({ dataDir, sandbox });
    const draft = await draftSale();
    await setFaults(sandbox, { match: 'GET /orders/', latency_ms: 600 });
    const first = call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    // The screen offers "load again" as soon as the sale is at the product step without a list.
    await waitFor(current, (sale) => sale.step === 'choose_product' && sale.paymentOptions === null, 5_000);
    const again = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    expect((await first).paymentOptions!.length).toBeGreaterThan(0);
    expect(again.paymentOptions).toEqual((await first).paymentOptions);
    const lists = (await requests()).filter((r) => r.method === 'GET' && r.path.endsWith('/payment_methods'));
    expect(lists.filter((r) => r.path.startsWith('/orders/'))).toHaveLength(1);
  });

  it('a 429 with a long Retry-After says until when, and the list is not asked again before it', async () => {
    core = await startCore({ dataDir, sandbox });
    const draft = await draftSale();
    await setFaults(sandbox, { match: 'GET /orders/', rate_limit_rate: 1, retry_after_s: 20 });
    const asked = Date.now();
    const failed = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    expect(failed).toMatchObject({ step: 'choose_product', paymentOptions: null });
    expect(Date.parse(failed.waitUntil!) - asked).toBeGreaterThanOrEqual(19_900);
    await setFaults(sandbox, null);
    const before = (await requests()).length;
    expect((await callError(core, 'sale.start', { saleId: draft.id })).code).toBe('sequra_rate_limited');
    expect(await requests()).toHaveLength(before);
  });
});

describe('confirmation', () => {
  it('an approval that expired before the confirmation is refused as expired, and the sale can be ended', async () => {
    const short = await startSandbox({ port: 0, quiet: true, approvalTtlS: 60 });
    try {
      core = await startCore({ dataDir, sandbox: short });
      const created = await call<SaleRecord>(core, 'sale.create');
      await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
      const sale = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
      await call(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
      await shopper(short, sale.solicitation!.uuid, 'approve');
      await new SandboxDriver(short).advanceClock(60_000);
      const refused = await call<SaleRecord>(core, 'sale.confirm', { saleId: sale.id });
      expect(refused.step).toBe('confirm_refused');
      expect(refused.confirmation.refusal?.kind).toBe('rejected_or_expired');
      expect((await call<SaleRecord>(core, 'sale.markRejected', { saleId: sale.id })).step).toBe('rejected');
    } finally {
      await core?.stop();
      core = null;
      await short.close();
    }
  });
});
