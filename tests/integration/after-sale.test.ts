import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localIsoDate } from '../../shared/time/local-date.ts';
import type { Core } from '../../electron/core/app-core.ts';
import { SandboxDriver } from '../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { purgeSale } from '../../electron/core/privacy/purge.ts';
import type { DayReport, SaleDetail, SaleSummary } from '../../shared/ipc/after-sale-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  call,
  callError,
  makeDataDir,
  removeDir,
  sandboxOrder,
  sandboxRequests,
  setFaults,
  shopper,
  startCore,
  TEST_MANAGER,
  tillConfigFor,
  waitFor,
} from '../support/till.ts';
import { rewriteStoredSale, withTillDatabase } from '../support/till.ts';

// After the sale, end to end over real loopback HTTP: the core's contract handlers, the journal, history and
// outbox on real files, and the project's SeQura sandbox as the other side of every order update.
let sandbox: RunningSandbox;
let core: Core;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 200 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  dataDir = makeDataDir();
  core = await startCore({ dataDir, sandbox });
});
afterEach(async () => {
  await setFaults(sandbox, null);
  await core.stop();
  removeDir(dataDir);
});

// startCore signs in a test manager on a live till; the same manager authorises cancellations and returns.
const MANAGER_PIN = TEST_MANAGER.pin;
// Sofá 499,00 + 2 × Cojín 19,95 − Promo 20,00 − cash 50,00 = 468,90 financed.
const FINANCED = 46_890;
let requestCounter = 0;
const requestId = () => `req-${Date.now()}-${(requestCounter += 1)}`;

async function confirmedSale(options: { product?: string; mobile?: string } = {}): Promise<SaleRecord> {
  const product = options.product ?? 'pp3';
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', {
    saleId: created.id,
    stage: 'shopper',
    cart: CART,
    shopper: { ...SHOPPER, mobile: options.mobile ?? SHOPPER.mobile },
  });
  const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
  const option = started.paymentOptions!.find((o) => o.product === product)!;
  const awaiting = await call<SaleRecord>(core, 'sale.sendSms', {
    saleId: created.id,
    product,
    campaign: option.campaign,
  });
  await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
  await call(core, 'sale.confirm', { saleId: created.id });
  return waitFor(
    async () => (await call<SaleDetail>(core, 'afterSale.detail', { saleId: created.id })).sale,
    (sale) => sale.step === 'done' && sale.pendingInstructions === 0,
  );
}

async function draftSale(): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  return created;
}

const search = (
  request: Partial<{
    query: string;
    key: string;
    from: string | null;
    to: string | null;
    statuses: string[];
    training: boolean;
    limit: number;
  }>,
) =>
  call<{ results: SaleSummary[]; total: number }>(core, 'afterSale.search', {
    query: '',
    key: 'any',
    from: null,
    to: null,
    statuses: [],
    training: false,
    limit: 100,
    ...request,
  });

const detail = (saleId: string) => call<SaleDetail>(core, 'afterSale.detail', { saleId });

type Outcome = 'abandoned_locally' | 'done' | 'queued' | 'refused';
const cancelSale = (request: Record<string, unknown>) =>
  call<{ detail: SaleDetail; outcome: Outcome }>(core, 'afterSale.cancel', request);
const returnItems = (request: Record<string, unknown>) =>
  call<{ detail: SaleDetail; returnId: string; outcome: Outcome }>(core, 'afterSale.return', request);

const merchantPuts = async () =>
  (await sandboxRequests(sandbox)).filter((r) => r.method === 'PUT' && r.path.startsWith('/merchants/'));

describe('history search', () => {
  it('finds a sale by ticket number, SeQura uuid, last four digits of the phone, date and status', async () => {
    const maria = await confirmedSale({ mobile: '612 345 678' });
    const juan = await confirmedSale({ mobile: '699 111 222', product: 'i1' });
    const today = localIsoDate(new Date());

    const byTicket = await search({ query: maria.ticketNumber!, key: 'ticket' });
    expect(byTicket.results.map((r) => r.saleId)).toEqual([maria.id]);
    expect(byTicket.results[0]!.matchedBy).toBe('ticket');

    const byUuid = await search({ query: juan.solicitation!.uuid.slice(0, 8), key: 'uuid' });
    expect(byUuid.results.map((r) => r.saleId)).toEqual([juan.id]);

    const byPhone = await search({ query: '5678', key: 'phone' });
    expect(byPhone.results.map((r) => r.saleId)).toEqual([maria.id]);
    expect(byPhone.results[0]).toMatchObject({
      phoneLast4: '5678',
      shopperName: 'María José G.',
      status: 'confirmed',
      currentFinancedCents: FINANCED,
    });
    // "any" recognises four digits as a phone ending as well.
    expect((await search({ query: '1222' })).results.map((r) => r.saleId)).toEqual([juan.id]);

    expect((await search({ from: today, to: today })).results.map((r) => r.saleId).sort()).toEqual(
      [maria.id, juan.id].sort(),
    );
    expect((await search({ from: '2001-01-01', to: '2001-01-31' })).results).toEqual([]);

    // Newest first; both confirmed; none pending once handed over.
    expect((await search({ statuses: ['confirmed'] })).results.map((r) => r.saleId)).toEqual([juan.id, maria.id]);
    expect((await search({ statuses: ['pending', 'cancelled', 'returned', 'needs_attention'] })).results).toEqual([]);
    // Real sales only: the training folder is empty.
    expect((await search({ training: true })).results).toEqual([]);
  });

  it('still finds a sale by the phone’s last four digits after the privacy purge removed the shopper’s data', async () => {
    const sale = await confirmedSale({ mobile: '677 000 123' });
    await call(core, 'sale.create'); // archives the finished sale into this month's history
    await core.stop();
    rewriteStoredSale<SaleRecord>(dataDir, sale.id, (stored) => purgeSale(stored, new Date()));
    // What the till sends SeQura, as it leaves.
    const updates: Array<Record<string, unknown>> = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === 'PUT' && new URL(request.url).pathname.startsWith('/merchants/'))
        updates.push((await request.clone().json()).order);
      return fetch(request);
    };
    core = await startCore({ dataDir, sandbox, fetch: recording });

    const found = await search({ query: '0123', key: 'phone' });
    expect(found.results.map((r) => r.saleId)).toEqual([sale.id]);
    expect(found.results[0]!.shopperName).toBe('');

    // A purged sale can still be returned: the update simply carries no personal data.
    const returned = await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    expect(returned.outcome).toBe('done');
    const order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order.shipped_cart!.order_total_with_tax).toBe(FINANCED - 1_995);
    // Built without the shopper, not with a stand-in: no customer, no addresses, nothing made up.
    expect(updates).toHaveLength(1);
    expect(updates[0]).not.toHaveProperty('customer');
    expect(updates[0]).not.toHaveProperty('delivery_address');
    expect(updates[0]).not.toHaveProperty('invoice_address');
    expect(updates[0]).toMatchObject({ merchant_reference: { order_ref_1: sale.ticketNumber } });
  });
});

describe('cancellation', () => {
  it('before confirmation is the local abandon: nothing is sent to SeQura and no PIN is needed', async () => {
    const sale = await draftSale();
    const page = await detail(sale.id);
    expect(page.actions).toMatchObject({
      cancel: 'before_confirmation',
      return: false,
      returnBlocked: 'not_confirmed',
    });
    const result = await cancelSale({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: '',
      reason: 'customer_request',
      note: '',
    });
    expect(result.outcome).toBe('abandoned_locally');
    expect(result.detail.sale.step).toBe('cancelled');
    expect(result.detail.summary.status).toBe('cancelled');
    expect(await merchantPuts()).toEqual([]);
  });

  it('after confirmation empties both carts at SeQura, with the manager PIN, audited, exactly once', async () => {
    const sale = await confirmedSale();
    const wrong = await callError(core, 'afterSale.cancel', {
      saleId: sale.id,
      requestId: requestId(),
      managerPin: '0000',
      reason: 'customer_request',
      note: '',
    });
    expect(wrong.code).toBe('locked');
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).state).toBe('shipped');

    const request = {
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      reason: 'customer_request',
      note: 'Se arrepiente',
    };
    const result = await cancelSale(request);
    expect(result.outcome).toBe('done');
    const order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order.state).toBe('cancelled');
    expect(order.shipped_cart!.items).toEqual([]);
    expect(order.unshipped_cart!.items).toEqual([]);

    const page: SaleDetail = result.detail;
    expect(page.summary).toMatchObject({ status: 'cancelled', currentFinancedCents: 0 });
    expect(page.sale.postSale!.cancellations).toEqual([
      expect.objectContaining({ id: 'C1', state: 'done', financedBeforeCents: FINANCED, note: 'Se arrepiente' }),
    ]);
    const events = page.sale.timeline.map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['cancel_requested', 'cancelled_at_sequra']));
    const requested = page.sale.timeline.find((e) => e.event === 'cancel_requested')!;
    expect(requested.operator).toBe(TEST_MANAGER.id); // the manager whose PIN authorised it
    expect(page.actions).toMatchObject({ cancel: null, cancelBlocked: 'already_cancelled', return: false });

    // The same request again (a double press, a lost answer) is the same cancellation: no second PUT.
    const again = await cancelSale(request);
    expect(again.outcome).toBe('done');
    expect(await merchantPuts()).toHaveLength(2); // the handover, then the cancellation
  });
});

describe('returns and partial refunds', () => {
  it('sends the reduced shipped cart and keeps what was returned cumulative across returns', async () => {
    const sale = await confirmedSale();
    const first = await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [{ amountCents: 1_000, reason: 'Arañazo' }],
    });
    expect(first.outcome).toBe('done');
    expect(first.returnId).toBe('R1');
    let order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order.state).toBe('shipped');
    expect(order.shipped_cart!.order_total_with_tax).toBe(FINANCED - 1_995 - 1_000);
    const items = order.shipped_cart!.items as Array<{
      reference: string;
      quantity?: number;
      total_with_tax: number;
      type: string;
    }>;
    expect(items.find((i) => i.reference === '8412345678902')).toMatchObject({ quantity: 1, total_with_tax: 1_995 });
    expect(items.find((i) => i.reference === 'r_R1-1')).toMatchObject({
      type: 'other_payment',
      total_with_tax: -1_000,
    });

    const page: SaleDetail = first.detail;
    expect(page.sale.returns[0]).toMatchObject({
      id: 'R1',
      state: 'done',
      returnedGoodsCents: 1_995,
      refundsCents: 1_000,
      financedBeforeCents: FINANCED,
      financedAfterCents: FINANCED - 2_995,
    });
    expect(page.summary).toMatchObject({ status: 'returned', currentFinancedCents: FINANCED - 2_995 });
    expect(page.returnable.find((l) => l.lineId === 'l2')).toMatchObject({ sold: 2, returned: 1, returnable: 1 });

    // The second return carries the first one too: SeQura's shipped cart is replaced as a whole.
    const second = await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    expect(second.outcome).toBe('done');
    order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order.shipped_cart!.order_total_with_tax).toBe(FINANCED - 2 * 1_995 - 1_000);
    const refs = (order.shipped_cart!.items as Array<{ reference: string }>).map((i) => i.reference);
    expect(refs).not.toContain('8412345678902');
    expect(refs).toContain('r_R1-1');
  });

  it('refuses a return above what SeQura finances before asking for the PIN or sending anything', async () => {
    const sale = await confirmedSale();
    const tooMuch = await callError(core, 'afterSale.return', {
      saleId: sale.id,
      requestId: requestId(),
      managerPin: '0000',
      lines: [],
      refunds: [{ amountCents: FINANCED + 1, reason: '' }],
    });
    expect(tooMuch.code).toBe('invalid_request');
    expect(tooMuch.fields).toEqual({ return: 'return.exceeds_financed' });
    const tooMany = await callError(core, 'afterSale.return', {
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 3 }],
      refunds: [],
    });
    expect(tooMany.fields).toEqual({ return: 'return.quantity_exceeds_sold' });
    expect(await merchantPuts()).toHaveLength(1); // only the handover
    expect((await detail(sale.id)).sale.returns).toEqual([]);
  });

  it('is idempotent: the same request twice is one return and one update', async () => {
    const sale = await confirmedSale();
    const request = {
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    };
    // Sent twice at once (a double press) and once more later (a retry after a lost answer).
    const [a, b] = await Promise.all([returnItems(request), returnItems(request)]);
    expect((await returnItems(request)).returnId).toBe('R1');
    expect(a.returnId).toBe('R1');
    expect(b.returnId).toBe('R1');
    expect(b.detail.sale.returns).toHaveLength(1);
    expect(await merchantPuts()).toHaveLength(2);
  });

  it('shows SeQura’s 409 with its message when the order was changed behind the till’s back', async () => {
    const sale = await confirmedSale();
    // Someone cancelled it on SeQura's web portal (what peers warn about).
    const driver = new SandboxDriver(sandbox);
    const empty = { currency: 'EUR', order_total_with_tax: 0, items: [] };
    const portal = await driver.updateOrder(sale.ticketNumber!, {
      merchant: { id: driver.merchantId },
      unshipped_cart: empty,
      shipped_cart: empty,
    });
    expect(portal.status).toBe(204);

    const result = await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    expect(result.outcome).toBe('refused');
    const entry = result.detail.sale.returns[0]!;
    expect(entry.state).toBe('refused');
    expect(entry.answer).toMatchObject({ status: 409 });
    expect(entry.answer!.reasons.join(' ')).toMatch(/cancelled/i);
    expect(result.detail.summary.status).toBe('needs_attention');
    expect(result.detail.summary.attention).toMatch(/409/);
    expect(result.detail.instructions).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'return', state: 'needs_attention' })]),
    );
    expect(result.detail.sale.timeline.map((e) => e.event)).toContain('return_refused');
    // A refused return never counted: the whole quantity can still come back.
    expect(result.detail.returnable.find((l) => l.lineId === 'l2')).toMatchObject({ returnable: 2 });
  });

  it('shows a 404 when SeQura does not know the order by its ticket number', async () => {
    const sale = await confirmedSale();
    await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' }); // SeQura forgets every order
    const result = await cancelSale({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      reason: 'wrong_sale',
      note: '',
    });
    expect(result.outcome).toBe('refused');
    const cancellation = result.detail.sale.postSale!.cancellations[0];
    expect(cancellation).toMatchObject({
      state: 'refused',
      answer: expect.objectContaining({ status: 404, code: 'not_found' }),
    });
    expect(result.detail.summary.status).toBe('needs_attention');
    expect(result.detail.sale.timeline.map((e) => e.event)).toContain('cancel_refused');
  });

  it('shows a 403 on the sale while the outbox keeps the return for when the credentials are fixed', async () => {
    const sale = await confirmedSale();
    await core.stop();
    // The machine configuration now names a merchant these credentials do not own.
    const config = tillConfigFor(sandbox, {
      sequra: { environment: 'custom', baseUrl: sandbox.baseUrl, merchantId: 'otro_comercio' },
    });
    core = await startCore({ dataDir, sandbox, config });
    const result = await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    expect(result.outcome).toBe('queued');
    const entry = result.detail.sale.returns[0]!;
    expect(entry.state).toBe('pending');
    expect(entry.answer).toMatchObject({ status: 403, code: 'forbidden' });
    expect(entry.answer!.message).toMatch(/403/);
    expect(result.detail.summary.flags).toContain('pending');
    expect(result.detail.actions).toMatchObject({ return: false, returnBlocked: 'update_pending' });
    expect(result.detail.sale.timeline.map((e) => e.event)).toContain('return_retrying');
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).shipped_cart!.order_total_with_tax).toBe(FINANCED);
  });
});

describe('durability', () => {
  it('queues a return while SeQura fails and lands it once; a crash that lost the queued update is repaired at start', async () => {
    const sale = await confirmedSale();
    await setFaults(sandbox, { match: 'PUT /merchants', error_rate: 1 });
    const queued = await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    expect(queued.outcome).toBe('queued');
    expect(queued.detail.sale.returns[0]!.answer).toMatchObject({ code: 'server' });

    // The process dies; the outbox file lost the instruction (as if it died between writing the sale and queueing).
    await core.stop();
    withTillDatabase(dataDir, (db) => db.prepare(`DELETE FROM outbox WHERE record LIKE '%"kind":"return"%'`).run());
    await setFaults(sandbox, null);
    core = await startCore({ dataDir, sandbox });

    const settled = await waitFor(
      () => detail(sale.id),
      (page) => page.sale.returns[0]!.state === 'done',
    );
    expect(settled.summary.currentFinancedCents).toBe(FINANCED - 1_995);
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).shipped_cart!.order_total_with_tax).toBe(
      FINANCED - 1_995,
    );
  });
});

describe('reprint', () => {
  it('audits a reprint of the sale slip and of a return slip', async () => {
    const sale = await confirmedSale();
    await returnItems({
      saleId: sale.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    await call(core, 'afterSale.reprint', { saleId: sale.id, slip: 'sale', returnId: null });
    const page = await call<SaleDetail>(core, 'afterSale.reprint', { saleId: sale.id, slip: 'return', returnId: 'R1' });
    expect(page.sale.postSale!.reprints).toBe(2);
    expect(page.sale.timeline.filter((e) => e.event === 'slip_reprinted').map((e) => e.detail)).toEqual([
      sale.ticketNumber,
      `${sale.ticketNumber} · R1`,
    ]);
    expect((await callError(core, 'afterSale.reprint', { saleId: sale.id, slip: 'return', returnId: 'R9' })).code).toBe(
      'not_found',
    );
  });
});

describe('end-of-day report', () => {
  it('adds up a known set of sales, excludes training, lists pending and missing references, and exports CSV', async () => {
    // One training sale first, in the training folder (a till without configuration trains).
    await core.stop();
    const trainingCore = await startCore({ dataDir });
    const training = await call<SaleRecord>(trainingCore, 'sale.create');
    await call(trainingCore, 'sale.saveDraft', { saleId: training.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    await trainingCore.stop();
    core = await startCore({ dataDir, sandbox });

    const a = await confirmedSale({ product: 'pp3' });
    const b = await confirmedSale({ product: 'i1' });
    const c = await confirmedSale({ product: 'pp3' });
    await returnItems({
      saleId: b.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [],
      refunds: [{ amountCents: 1_000, reason: 'Ajuste' }],
    });
    await cancelSale({
      saleId: c.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      reason: 'customer_request',
      note: '',
    });
    const e = await draftSale();
    await cancelSale({ saleId: e.id, requestId: requestId(), managerPin: '', reason: 'customer_request', note: '' });
    // D: confirmed by the cashier while SeQura does not answer: pending.
    const d = await draftSale();
    const dStarted = await call<SaleRecord>(core, 'sale.start', { saleId: d.id });
    await call(core, 'sale.sendSms', {
      saleId: d.id,
      product: 'pp3',
      campaign: dStarted.paymentOptions!.find((o) => o.product === 'pp3')!.campaign,
    });
    await shopper(sandbox, dStarted.solicitation!.uuid, 'approve');
    await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
    expect((await call<SaleRecord>(core, 'sale.confirm', { saleId: d.id })).step).toBe('confirming');

    // A: confirmed at SeQura but, as SeQura's weekly chase would show, without its reference registered.
    await core.stop();
    rewriteStoredSale<SaleRecord>(dataDir, a.id, (stored) => ({ ...stored, referenceRegisteredAt: null }));
    core = await startCore({ dataDir, sandbox });

    const today = localIsoDate(new Date());
    const report = await call<DayReport>(core, 'report.day', { date: today });
    expect(report).toMatchObject({ date: today, storeRef: 'TIENDA-01', tillId: '03', training: false, salesCount: 5 });
    expect(report.confirmed).toEqual({
      count: 3,
      amountCents: 3 * FINANCED,
      byProduct: [
        { product: 'pp3', title: expect.any(String), count: 2, amountCents: 2 * FINANCED },
        { product: 'i1', title: expect.any(String), count: 1, amountCents: FINANCED },
      ],
    });
    expect(report.pending).toEqual({ count: 1, amountCents: FINANCED });
    expect(report.cancelled).toEqual({ beforeConfirmation: 1, afterConfirmation: { count: 1, amountCents: FINANCED } });
    expect(report.returned).toEqual({ count: 1, amountCents: 1_000 });
    expect(report.netFinancedCents).toBe(2 * FINANCED - 1_000);
    expect(report.netFinancedCents).toBe(
      report.confirmed.amountCents - report.returned.amountCents - report.cancelled.afterConfirmation.amountCents,
    );
    expect(report.trainingExcluded).toEqual({ count: 1, amountCents: 0 });
    expect(report.missingReference).toEqual([
      expect.objectContaining({ saleId: a.id, reason: 'reference_not_registered' }),
    ]);
    expect(report.pendingConfirmations.map((p) => p.saleId)).toEqual([d.id]);
    expect(report.afterSale.map((x) => [x.kind, x.saleId, x.state, x.amountCents])).toEqual([
      ['return', b.id, 'done', 1_000],
      ['cancellation', c.id, 'done', FINANCED],
    ]);

    // The report's numbers are the sales list's numbers for the same day.
    const list = await search({ from: today, to: today, limit: 500 });
    expect(list.total).toBe(report.salesCount);
    expect(list.results.filter((r) => r.flags.includes('confirmed')).length).toBe(report.confirmed.count);
    expect(list.results.reduce((sum, r) => sum + r.currentFinancedCents, 0)).toBe(report.netFinancedCents);

    const csv = await call<{ fileName: string; content: string }>(core, 'report.csv', { date: today });
    expect(csv.fileName).toBe(`sequra-pos_TIENDA-01_03_${today}.csv`);
    expect(csv.content.startsWith('\uFEFF')).toBe(true);
    const lines = csv.content.slice(1).split('\r\n').filter(Boolean);
    const header = lines[0]!.split(';');
    expect(header.slice(0, 5)).toEqual(['fecha', 'hora', 'tienda', 'caja', 'ticket']);
    expect(lines).toHaveLength(1 + 5);
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(';').map((cell, i) => [header[i], cell])));
    const rowOf = (sale: SaleRecord) => rows.find((r) => r.uuid_sequra === (sale.solicitation?.uuid ?? ''))!;
    expect(rowOf(a)).toMatchObject({
      estado: 'confirmada',
      importe_financiado: '468,90',
      importe_vigente: '468,90',
      referencia_registrada: 'no',
      tipo_fila: 'venta',
    });
    expect(rowOf(b)).toMatchObject({
      estado: 'devuelta',
      importe_reducido: '10,00',
      importe_vigente: '458,90',
      devoluciones: '1',
    });
    expect(rowOf(c)).toMatchObject({ estado: 'cancelada', importe_vigente: '0,00' });
    expect(rows.filter((r) => r.estado === 'pendiente')).toHaveLength(1);
    expect(rows.reduce((sum, r) => sum + Math.round(Number(r.importe_vigente!.replace(',', '.')) * 100), 0)).toBe(
      report.netFinancedCents,
    );

    // Closing the day is the manager's: a cashier's PIN is refused and nothing is recorded.
    expect(
      await callError(core, 'report.closeDay', { date: today, acknowledgePending: true, managerPin: '0000' }),
    ).toMatchObject({ code: 'locked' });
    expect((await call<DayReport>(core, 'report.day', { date: today })).closures).toEqual([]);
    // It warns while a confirmation is pending, and records the closing once acknowledged.
    const refused = await call<{ closed: boolean; report: DayReport }>(core, 'report.closeDay', {
      date: today,
      acknowledgePending: false,
      managerPin: MANAGER_PIN,
    });
    expect(refused.closed).toBe(false);
    expect(refused.report.closures).toEqual([]);
    const closed = await call<{ closed: boolean; report: DayReport }>(core, 'report.closeDay', {
      date: today,
      acknowledgePending: true,
      managerPin: MANAGER_PIN,
    });
    expect(closed.closed).toBe(true);
    expect(closed.report.closures).toEqual([
      expect.objectContaining({ pendingConfirmations: 1, netFinancedCents: 2 * FINANCED - 1_000 }),
    ]);
    expect((await call<DayReport>(core, 'report.day', { date: today })).closures).toHaveLength(1);

    // Training sales are listed apart.
    expect((await search({ training: true })).results.map((r) => r.saleId)).toEqual([training.id]);
    const trainingPage = await detail(training.id);
    expect(trainingPage.source).toBe('training_folder');
    expect(trainingPage.actions).toMatchObject({ cancel: null, cancelBlocked: 'training_folder' });
  });

  it('lists the return of an earlier day’s sale in the day it was made', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    await core.stop();
    core = await startCore({ dataDir, sandbox, clock: () => new Date(Date.now() - 86_400_000) });
    const old = await confirmedSale();
    await core.stop();
    core = await startCore({ dataDir, sandbox });
    await returnItems({
      saleId: old.id,
      requestId: requestId(),
      managerPin: MANAGER_PIN,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });

    const today = localIsoDate(new Date());
    const report = await call<DayReport>(core, 'report.day', { date: today });
    expect(report.salesCount).toBe(0);
    expect(report.afterSale).toEqual([
      expect.objectContaining({ saleId: old.id, kind: 'return', earlierSale: true, amountCents: 1_995, state: 'done' }),
    ]);
    expect(report.rows).toEqual([
      expect.objectContaining({ saleId: old.id, kind: 'after_sale', reducedOnDayCents: 1_995 }),
    ]);
    const previous = await call<DayReport>(core, 'report.day', { date: localIsoDate(yesterday) });
    expect(previous.confirmed.count).toBe(1);
    expect(previous.returned).toEqual({ count: 1, amountCents: 1_995 });
  });
});
