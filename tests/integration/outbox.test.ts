import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import type { Instruction } from '../../electron/core/outbox/instruction.ts';
import { Outbox, type NewInstruction, type OutboxExecutor } from '../../electron/core/outbox/outbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createSequraClient, type SequraClient } from '../../electron/core/sequra/client.ts';
import { openTillDatabase, type TillDatabase } from '../../electron/core/db/database.ts';
import { createOutboxStore } from '../../electron/core/outbox/outbox-store.ts';
import { buildHandoverUpdate, buildOrderPayload, type OrderContext } from '../../shared/order/build-order-payload.ts';
import { SaleCartSchema } from '../../shared/sale/cart.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { makeShopperSchema } from '../../shared/sale/shopper.ts';
import {
  CART,
  SHOPPER,
  call,
  journalSales,
  withTillDatabase,
  makeDataDir,
  removeDir,
  sandboxOrder,
  sandboxRequests,
  setFaults,
  shopper,
  startCore,
  waitFor,
} from '../support/till.ts';

// The durable outbox on a real file against the sandbox over loopback HTTP, with the sandbox's faults:
// ordering per sale, Retry-After, crash recovery of in-flight work, refusals kept for a person, the
// give-up horizon and the wake-up when SeQura answers again.
let sandbox: RunningSandbox;
let client: SequraClient;
let dataDir: string;
const outboxes: Outbox[] = [];
const databases: TillDatabase[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 50, smsLimit: 10 });
  const merchantId = sandbox.config.merchants[0]!.ref;
  client = createSequraClient({
    baseUrl: sandbox.baseUrl,
    username: sandbox.config.username,
    password: sandbox.config.password,
    merchantId,
    fetch: globalThis.fetch,
    appName: 'outbox-test',
    appVersion: '0',
    timeoutMs: 3_000,
  });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  dataDir = makeDataDir('sequra-pos-outbox-');
});
afterEach(async () => {
  await Promise.all(outboxes.splice(0).map((o) => o.stop()));
  for (const db of databases.splice(0)) db.close();
  await setFaults(sandbox, null);
  removeDir(dataDir);
});

const cart = SaleCartSchema.parse(CART);
const buyer = makeShopperSchema({ today: '2026-01-01', requireNinControl: false }).parse(SHOPPER);

function context(saleId: string): OrderContext {
  return {
    merchantId: sandbox.config.merchants[0]!.ref,
    storeRef: 'TIENDA-01',
    tillId: '09',
    operatorRef: 'CAJERO',
    saleId,
    attempt: 1,
    requireNinControl: false,
    usesShippedCart: false,
    languageCode: 'es-ES',
    appVersion: '0',
    platformUname: 'test',
    ipNumber: '127.0.0.1',
    userAgent: 'outbox-test',
  };
}

let ticket = 0;
/** A solicitation the shopper approved (or not), and the two instructions a till would queue for it. */
async function orderAtSequra(
  saleId: string,
  approve = true,
): Promise<{ uuid: string; confirm: NewInstruction; handover: NewInstruction }> {
  const ctx = context(saleId);
  const { uuid } = await client.startSolicitation(buildOrderPayload({ cart, shopper: buyer, context: ctx, state: '' }));
  await client.sendFormBySms(uuid, { product_code: 'pp3' });
  if (approve) await shopper(sandbox, uuid, 'approve');
  ticket += 1;
  const orderRef1 = `TIENDA-01-09-${String(ticket).padStart(6, '0')}`;
  return {
    uuid,
    confirm: {
      id: `${saleId}-001-confirm`,
      saleId,
      kind: 'confirm',
      request: {
        target: 'solicited_order',
        uuid,
        payload: buildOrderPayload({ cart, shopper: buyer, context: ctx, state: 'confirmed', orderRef1 }),
      },
      ticketNumber: orderRef1,
      amountCents: 1000,
    },
    handover: {
      id: `${saleId}-002-handover`,
      saleId,
      kind: 'handover',
      request: {
        target: 'order_update',
        orderRef1,
        payload: buildHandoverUpdate({
          cart,
          shopper: buyer,
          context: ctx,
          orderRef1,
          deliveredAt: '2026-01-01T10:00:00.000Z',
        }),
      },
      ticketNumber: orderRef1,
      amountCents: 1000,
    },
  };
}

interface Harness {
  outbox: Outbox;
  settled: Array<{ id: string; outcome: string }>;
  file: () => { instructions: Record<string, Instruction> };
}

function openOutbox(
  options: {
    executor?: OutboxExecutor;
    clock?: () => Date;
    giveUpAfterMs?: number;
    backoff?: { baseMs: number; capMs: number };
    random?: () => number;
    concurrency?: number;
  } = {},
): Harness {
  const settled: Harness['settled'] = [];
  const db = openTillDatabase(join(dataDir, 'till.db'));
  databases.push(db);
  const store = createOutboxStore(db, 'live');
  const outbox = new Outbox({
    store,
    executor: options.executor ?? client,
    log: silentLogger,
    clock: options.clock,
    random: options.random,
    giveUpAfterMs: options.giveUpAfterMs,
    concurrency: options.concurrency,
    backoff: options.backoff ?? { baseMs: 20, capMs: 200 },
  });
  outbox.onSettled((instruction, outcome) => settled.push({ id: instruction.id, outcome: outcome.kind }));
  outboxes.push(outbox);
  // What is on disk, through a second connection (not the outbox's memory).
  const file = () => ({
    instructions: withTillDatabase(dataDir, (raw) =>
      Object.fromEntries(
        (
          raw.prepare("SELECT id, record FROM outbox WHERE realm = 'live'").all() as Array<{
            id: string;
            record: string;
          }>
        ).map((row) => [row.id, JSON.parse(row.record) as Instruction]),
      ),
    ),
  });
  return { outbox, settled, file };
}

const sequraWrites = async () =>
  (
    (await sandboxRequests(sandbox)) as unknown as Array<{
      method: string;
      path: string;
      order_uuid: string | null;
      at: string;
    }>
  ).filter((r) => r.method === 'PUT');

describe('outbox', () => {
  it('writes an instruction to disk before its first try', async () => {
    const never = new Promise<void>(() => {});
    let seenAtFirstTry: Instruction | undefined;
    const harness = openOutbox({
      executor: {
        // What a crash at the very moment of the first call would leave on disk.
        updateSolicitedOrder: () => {
          seenAtFirstTry = harness.file().instructions[confirm.id];
          return never;
        },
        updateOrder: () => never,
      },
    });
    harness.outbox.start();
    const { confirm } = await orderAtSequra('sale-disk');
    harness.outbox.enqueue(confirm);
    // The first try starts once the enqueueing code (and its transaction) is done.
    await new Promise((r) => setImmediate(r));
    expect(seenAtFirstTry).toMatchObject({
      id: confirm.id,
      saleId: 'sale-disk',
      state: 'in_flight',
      attempts: 1,
      request: { uuid: confirm.request.target === 'solicited_order' ? confirm.request.uuid : '' },
    });
    expect(seenAtFirstTry!.giveUpAt).toBeTruthy();
    outboxes.splice(outboxes.indexOf(harness.outbox), 1); // its call never ends: nothing to wait for
  });

  it('keeps per-sale order while one stuck sale never blocks the others', async () => {
    const stuck = await orderAtSequra('sale-stuck');
    const fine = await orderAtSequra('sale-fine');
    // Every write for the stuck sale's order fails (5xx); the other sale's calls are untouched.
    await setFaults(sandbox, { match: `PUT /orders/${stuck.uuid}`, error_rate: 1 });
    const { outbox, settled } = openOutbox();
    outbox.start();
    outbox.enqueue(stuck.confirm);
    outbox.enqueue(stuck.handover);
    outbox.enqueue(fine.confirm);
    outbox.enqueue(fine.handover);
    await waitFor(
      () => settled.map((s) => s.id),
      (ids) => ids.includes(fine.handover.id),
      5_000,
    );
    expect(outbox.get(fine.confirm.id)!.state).toBe('done');
    expect(outbox.get(stuck.confirm.id)!.state).not.toBe('done');
    // It keeps being retried (and failing) meanwhile.
    await waitFor(
      () => outbox.get(stuck.confirm.id)!.attempts,
      (n) => n >= 3,
      5_000,
    );
    // The stuck sale's handover has not even been tried: it waits behind its own confirmation.
    expect(outbox.get(stuck.handover.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect((await sandboxOrder(sandbox, fine.uuid)).state).toBe('shipped');

    await setFaults(sandbox, null);
    outbox.wakeAll();
    await waitFor(
      () => outbox.get(stuck.handover.id)!.state,
      (s) => s === 'done',
      5_000,
    );
    const writes = (await sequraWrites()).filter(
      (r) => r.order_uuid === stuck.uuid || r.path.includes(stuck.confirm.ticketNumber!),
    );
    const firstHandover = writes.findIndex((r) => r.path.startsWith('/merchants/'));
    const lastConfirm = writes.map((r) => r.path.startsWith('/orders/')).lastIndexOf(true);
    expect(firstHandover).toBeGreaterThan(lastConfirm);
    expect((await sandboxOrder(sandbox, stuck.uuid)).state).toBe('shipped');
  });

  it('with more sales due than free slots, the oldest instructions go first, at most `concurrency` at once', async () => {
    const calls: string[] = [];
    const answers: Array<() => void> = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const held = () =>
      new Promise<void>((resolve) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        answers.push(() => {
          inFlight -= 1;
          resolve();
        });
      });
    // Created out of order (the clock stepped back between them): the oldest is the second one queued.
    const times = ['2026-01-01T10:00:05.000Z', '2026-01-01T10:00:01.000Z', '2026-01-01T10:00:03.000Z'];
    let now = new Date(times[0]!);
    const { outbox, settled } = openOutbox({
      concurrency: 2,
      clock: () => now,
      executor: {
        updateSolicitedOrder: (uuid) => {
          calls.push(uuid);
          return held();
        },
        updateOrder: () => held(),
      },
    });
    outbox.start();
    const queued = ['sale-late', 'sale-early', 'sale-middle', 'sale-last'].map((saleId, index) => {
      now = new Date(times[index] ?? '2026-01-01T10:00:09.000Z');
      return outbox.enqueue({
        id: `${saleId}-001-confirm`,
        saleId,
        kind: 'confirm',
        request: { target: 'solicited_order', uuid: saleId, payload: {} as never },
        ticketNumber: null,
        amountCents: 1,
      });
    });
    now = new Date('2026-01-01T10:00:10.000Z');
    await waitFor(
      () => calls.length,
      (n) => n === 2,
      2_000,
    );
    expect(calls).toEqual(['sale-early', 'sale-middle']);
    for (let round = 0; round < 50 && settled.length < queued.length; round += 1) {
      answers.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(calls).toEqual(['sale-early', 'sale-middle', 'sale-late', 'sale-last']);
    expect(mostInFlight).toBe(2);
  });

  it('honours Retry-After as the earliest next attempt', async () => {
    const order = await orderAtSequra('sale-429');
    await setFaults(sandbox, { match: 'PUT /orders', rate_limit_rate: 1, retry_after_s: 1 });
    // A tiny backoff: without Retry-After the retry would come within 20 ms.
    const { outbox } = openOutbox({ backoff: { baseMs: 20, capMs: 20 } });
    outbox.start();
    outbox.enqueue(order.confirm);
    const afterFirst = await waitFor(
      () => outbox.get(order.confirm.id)!,
      (i) => i.attempts === 1 && i.state === 'pending',
      3_000,
    );
    expect(Date.parse(afterFirst.nextAttemptAt!) - Date.parse(afterFirst.lastAttemptAt!)).toBeGreaterThanOrEqual(1_000);
    expect(afterFirst.lastErrorCode).toBe('rate_limited');
    await setFaults(sandbox, null);
    await waitFor(
      () => outbox.get(order.confirm.id)!.state,
      (s) => s === 'done',
      4_000,
    );
    const puts = (await sequraWrites()).filter((r) => r.order_uuid === order.uuid);
    expect(puts).toHaveLength(2);
    expect(Date.parse(puts[1]!.at) - Date.parse(puts[0]!.at)).toBeGreaterThanOrEqual(990);
  });

  it('a wake-up on reconnection never sends an instruction before its Retry-After', async () => {
    const order = await orderAtSequra('sale-429-wake');
    await setFaults(sandbox, { match: 'PUT /orders', rate_limit_rate: 1, retry_after_s: 3 });
    const { outbox } = openOutbox({ backoff: { baseMs: 20, capMs: 20 } });
    outbox.start();
    outbox.enqueue(order.confirm);
    const limited = await waitFor(
      () => outbox.get(order.confirm.id)!,
      (i) => i.attempts === 1 && i.state === 'pending',
      3_000,
    );
    await setFaults(sandbox, null);
    // SeQura answers again (the connectivity monitor's wake-up): the 429's Retry-After still holds.
    outbox.wakeAll();
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.get(order.confirm.id)!.state).toBe('pending');
    await waitFor(
      () => outbox.get(order.confirm.id)!.state,
      (s) => s === 'done',
      6_000,
    );
    const puts = (await sequraWrites()).filter((r) => r.order_uuid === order.uuid);
    expect(puts).toHaveLength(2);
    expect(Date.parse(puts[1]!.at) - Date.parse(puts[0]!.at)).toBeGreaterThanOrEqual(2_990);
    expect(limited.retryAfterUntil).toBe(limited.nextAttemptAt);
  });

  it('a manual try-now before the Retry-After waits for it and says until when', async () => {
    const order = await orderAtSequra('sale-429-try-now');
    await setFaults(sandbox, { match: 'PUT /orders', rate_limit_rate: 1, retry_after_s: 3 });
    const { outbox } = openOutbox({ backoff: { baseMs: 20, capMs: 20 } });
    outbox.start();
    outbox.enqueue(order.confirm);
    const limited = await waitFor(
      () => outbox.get(order.confirm.id)!,
      (i) => i.attempts === 1 && i.state === 'pending',
      3_000,
    );
    await setFaults(sandbox, null);
    expect(outbox.retryNow(order.confirm.id)).toEqual({ accepted: true, waitUntil: limited.retryAfterUntil });
    expect(outbox.items().find((i) => i.id === order.confirm.id)!.waitUntil).toBe(limited.retryAfterUntil);
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.get(order.confirm.id)!.state).toBe('pending');
    await waitFor(
      () => outbox.get(order.confirm.id)!.state,
      (s) => s === 'done',
      6_000,
    );
    const puts = (await sequraWrites()).filter((r) => r.order_uuid === order.uuid);
    expect(Date.parse(puts[1]!.at) - Date.parse(puts[0]!.at)).toBeGreaterThanOrEqual(2_990);
  });

  it('puts whatever was in flight back to pending at start, and it lands once', async () => {
    const order = await orderAtSequra('sale-inflight');
    // The first "process" dies in the middle of the call: its executor never answers.
    const never = new Promise<void>(() => {});
    const first = openOutbox({ executor: { updateSolicitedOrder: () => never, updateOrder: () => never } });
    first.outbox.start();
    first.outbox.enqueue(order.confirm);
    await new Promise((r) => setImmediate(r));
    expect(first.file().instructions[order.confirm.id]!.state).toBe('in_flight');
    outboxes.splice(outboxes.indexOf(first.outbox), 1); // abandoned, like a killed process: never stopped

    const second = openOutbox();
    expect(second.outbox.get(order.confirm.id)!.state).toBe('in_flight');
    second.outbox.start();
    await waitFor(
      () => second.outbox.get(order.confirm.id)!.state,
      (s) => s === 'done',
      3_000,
    );
    expect(second.outbox.get(order.confirm.id)!.attempts).toBe(2);
    expect((await sandboxOrder(sandbox, order.uuid)).confirmed_count).toBe(1);
  });

  it('turns a 409 into "needs attention" with SeQura’s reason, not retried and never deleted', async () => {
    const order = await orderAtSequra('sale-409', false); // the shopper has not approved: SeQura answers 409
    const { outbox, settled, file } = openOutbox();
    outbox.start();
    outbox.enqueue(order.confirm);
    await waitFor(
      () => settled,
      (s) => s.length === 1,
      3_000,
    );
    const refused = outbox.get(order.confirm.id)!;
    expect(refused).toMatchObject({ state: 'needs_attention', attempts: 1, lastErrorCode: 'conflict' });
    expect(refused.outcome).toMatchObject({ kind: 'refused', status: 409 });
    expect(refused.lastError).toMatch(/not been approved/);
    expect(settled).toEqual([{ id: order.confirm.id, outcome: 'refused' }]);
    outbox.wakeAll();
    outbox.forgetSale('sale-409');
    await new Promise((r) => setTimeout(r, 150));
    expect(outbox.get(order.confirm.id)!.attempts).toBe(1);
    expect(file().instructions[order.confirm.id]!.state).toBe('needs_attention');
    await outbox.stop();
    // After a restart too.
    const again = openOutbox();
    again.outbox.start();
    expect(again.outbox.get(order.confirm.id)!.state).toBe('needs_attention');
    expect(again.outbox.items().find((i) => i.id === order.confirm.id)?.lastError).toMatch(/not been approved/);
    expect((await sequraWrites()).filter((r) => r.order_uuid === order.uuid)).toHaveLength(1);
  });

  it('gives up at the horizon (injected clock) into "needs attention", kept with its last error', async () => {
    const order = await orderAtSequra('sale-horizon');
    await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    const { outbox, settled } = openOutbox({
      clock: () => new Date(now),
      giveUpAfterMs: 72 * 3600_000,
      backoff: { baseMs: 60_000, capMs: 60_000 },
    });
    outbox.start();
    outbox.enqueue(order.confirm);
    const pending = await waitFor(
      () => outbox.get(order.confirm.id)!,
      (i) => i.attempts === 1 && i.state === 'pending',
      3_000,
    );
    expect(pending.giveUpAt).toBe('2026-03-04T10:00:00.000Z');
    // 71 h later it is still retried…
    now += 71 * 3600_000;
    outbox.wakeAll();
    await waitFor(
      () => outbox.get(order.confirm.id)!,
      (i) => i.attempts === 2 && i.state === 'pending',
      3_000,
    );
    // …past 72 h the next failure hands it to a person instead.
    now += 2 * 3600_000;
    outbox.wakeAll();
    const gaveUp = await waitFor(
      () => outbox.get(order.confirm.id)!,
      (i) => i.state === 'needs_attention',
      3_000,
    );
    expect(gaveUp.outcome).toMatchObject({ kind: 'gave_up', code: 'server' });
    expect(gaveUp.lastError).toMatch(/500|server/i);
    expect(settled).toEqual([{ id: order.confirm.id, outcome: 'gave_up' }]);
    // "Try now" brings it back.
    await setFaults(sandbox, null);
    expect(outbox.retryNow(order.confirm.id).accepted).toBe(true);
    expect(outbox.get(order.confirm.id)!.outcome ?? null).toBeNull();
  });

  it('wakes everything pending at once when SeQura answers again, instead of waiting out the backoff', async () => {
    const a = await orderAtSequra('sale-wake-a');
    const b = await orderAtSequra('sale-wake-b');
    await setFaults(sandbox, { partition_s: 30 });
    const { outbox } = openOutbox({ backoff: { baseMs: 600_000, capMs: 600_000 }, random: () => 0.5 });
    outbox.start();
    outbox.enqueue(a.confirm);
    outbox.enqueue(b.confirm);
    await waitFor(
      () => [a, b].map((o) => outbox.get(o.confirm.id)!),
      (list) => list.every((i) => i.attempts === 1 && i.state === 'pending'),
      3_000,
    );
    await setFaults(sandbox, null);
    await new Promise((r) => setTimeout(r, 100));
    expect(outbox.get(a.confirm.id)!.state).toBe('pending'); // a backoff of up to 10 minutes…
    const woke = Date.now();
    outbox.wakeAll();
    await waitFor(
      () => [a, b].map((o) => outbox.get(o.confirm.id)!.state),
      (s) => s.every((x) => x === 'done'),
      2_000,
    );
    expect(Date.now() - woke).toBeLessThan(1_000);
    for (const order of [a, b]) expect((await sandboxOrder(sandbox, order.uuid)).confirmed_count).toBe(1);
  });
});

describe('work queued for SeQura while it keeps answering (429)', () => {
  let core: Core | null = null;
  afterEach(async () => {
    await core?.stop();
    core = null;
  });

  async function current(): Promise<SaleRecord> {
    return (await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!;
  }

  it('a start queued by a 429 goes by itself, once', async () => {
    core = await startCore({ dataDir, sandbox });
    const created = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    await setFaults(sandbox, { match: 'POST /orders$', rate_limit_rate: 1, retry_after_s: 1 });
    expect((await call<SaleRecord>(core, 'sale.start', { saleId: created.id })).step).toBe('start_queued');
    await setFaults(sandbox, null);
    const started = await waitFor(current, (s) => s.step === 'choose_product', 5_000);
    expect(started.attempt).toBe(1);
    const posts = (await sandboxRequests(sandbox)).filter(
      (r) => r.method === 'POST' && r.path === '/orders' && r.status === 204,
    );
    expect(posts).toHaveLength(1);
  });
});

describe('late answers', () => {
  let core: Core | null = null;
  afterEach(async () => {
    await core?.stop();
    core = null;
  });

  it('a product list that arrives after the sale was sold and archived never brings the sale back', async () => {
    core = await startCore({ dataDir, sandbox });
    const created = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
    // A reload of the product list that SeQura answers slowly…
    await setFaults(sandbox, { match: 'GET /orders/', latency_ms: 1_500 });
    const slowReload = core.dispatch('sale.start', { saleId: created.id }, true);
    await new Promise((r) => setTimeout(r, 50));
    await setFaults(sandbox, null);
    // …while the cashier goes on with the list already shown: SMS, approval, confirmation, handover, close.
    await call(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
    await shopper(sandbox, started.solicitation!.uuid, 'approve');
    await call(core, 'sale.confirm', { saleId: created.id });
    await waitFor(
      async () => (await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!.step,
      (step) => step === 'done',
      5_000,
    );
    await call(core, 'sale.close', { saleId: created.id });
    expect(journalSales(dataDir)).toEqual({});
    await slowReload;
    // The late answer changed nothing: the sale stays archived as done, not back at "choose product".
    expect(journalSales(dataDir)).toEqual({});
    expect((await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale).toBeNull();
  });
});

describe('outbox and sale journal across a crash', () => {
  let core: Core | null = null;
  afterEach(async () => {
    await core?.stop();
    core = null;
  });

  it('replays an outcome settled on disk whose sale was not updated before the crash', async () => {
    // Run a real sale up to a confirmation that SeQura accepted…
    core = await startCore({ dataDir, sandbox });
    const created = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
    await call(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
    await shopper(sandbox, started.solicitation!.uuid, 'approve');
    // (Handover writes fail, so the sale stops at handing_over and the journal can be rewound by hand.)
    await setFaults(sandbox, { match: 'PUT /merchants', error_rate: 1 });
    await call(core, 'sale.confirm', { saleId: created.id });
    await core.stop();
    core = null;
    // …then rewind the database by hand to what a crash between two separate writes would have left (the
    // outcome and the sale now commit together, so only a hand edit can): the outbox says "confirm done" (with
    // its outcome), the journal still says "confirming", no handover queued yet. Resume still repairs it.
    withTillDatabase(dataDir, (raw) => {
      const row = raw.prepare('SELECT record FROM sales WHERE id = ?').get(created.id) as { record: string };
      const sale = JSON.parse(row.record) as SaleRecord;
      const rewound = {
        ...sale,
        step: 'confirming',
        confirmation: { ...sale.confirmation, confirmedAt: null },
        handover: { requestedAt: null, doneAt: null },
      };
      raw
        .prepare("UPDATE sales SET record = ?, step = 'confirming' WHERE id = ?")
        .run(JSON.stringify(rewound), created.id);
      const instructions = (
        raw.prepare('SELECT record FROM outbox WHERE sale_id = ?').all(created.id) as Array<{
          record: string;
        }>
      ).map((r) => JSON.parse(r.record) as Instruction);
      const confirm = instructions.find((i) => i.kind === 'confirm')!;
      expect(confirm).toMatchObject({ state: 'done', outcome: { kind: 'done' } });
      raw.prepare('DELETE FROM outbox WHERE sale_id = ? AND id != ?').run(created.id, confirm.id);
    });

    await setFaults(sandbox, null);
    core = await startCore({ dataDir, sandbox });
    const done = await waitFor(
      async () => (await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!,
      (s) => s.step === 'done',
      5_000,
    );
    expect(done.timeline.map((t) => t.event)).toContain('confirmed');
    const order = await sandboxOrder(sandbox, started.solicitation!.uuid);
    expect(order.state).toBe('shipped');
    expect(order.confirmed_count).toBe(1);
  });
});
