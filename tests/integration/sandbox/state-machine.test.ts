// The order state machine of sequra-api.md §4.5 as seen through PUT /orders/{uuid} (confirm, on hold, references) and the
// shopper's outcomes (control API), including review timers, magic names and solicitation expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver } from '../../../sandbox/index.ts';
import { sampleOrder, type JsonObject } from '../../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

// The sandbox's clock is moved forward past it, so it can be SeQura's own few seconds.
const REVIEW_DELAY_MS = 5_000;

let sandbox: RunningSandbox;
let driver: SandboxDriver;
let refCounter = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true, reviewDelayMs: REVIEW_DELAY_MS });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());

function nextRef(): string {
  refCounter += 1;
  return `T-${refCounter}`;
}

async function solicited(order: JsonObject = sampleOrder()): Promise<string> {
  const uuid = await driver.createOrder(order);
  expect((await driver.sendSms(uuid)).status).toBe(204);
  return uuid;
}

async function approved(order: JsonObject = sampleOrder()): Promise<string> {
  const uuid = await solicited(order);
  expect((await driver.shopper(uuid, 'approve')).status).toBe(200);
  return uuid;
}

/** The sandbox's time, which tests move forward: ahead of the wall clock once they have. */
async function sandboxNow(): Promise<string> {
  return (await driver.control('GET', '/clock')).json<{ now: string }>().now;
}

async function view(uuid: string): Promise<JsonObject> {
  return (await driver.control('GET', `/orders/${uuid}`)).json<JsonObject>();
}

async function conflictMessage(reply: Promise<{ status: number; json<T>(): T }>): Promise<string> {
  const answered = await reply;
  expect(answered.status).toBe(409);
  const errors = answered.json<{ errors: string[] }>().errors;
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('confirm (PUT /orders/{uuid} state=confirmed)', () => {
  it('confirms an approved order: 200, state confirmed, confirmed_count 1', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const reply = await driver.confirm(uuid, order);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    expect(await view(uuid)).toMatchObject({ state: 'confirmed', confirmed_count: 1, order_ref_1: null });
  });

  it('is idempotent: a repeated identical confirm answers 200 and counts it', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const ref = nextRef();
    expect((await driver.confirm(uuid, order, ref)).status).toBe(200);
    expect((await driver.confirm(uuid, order, ref)).status).toBe(200);
    expect((await driver.confirm(uuid, order)).status).toBe(200);
    expect(await view(uuid)).toMatchObject({ state: 'confirmed', confirmed_count: 3, order_ref_1: ref });
  });

  it('registers order_ref_1 (and order_ref_2) in a second call identical to the confirm', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    expect((await driver.confirm(uuid, order)).status).toBe(200);
    const ref = nextRef();
    const withRefs = {
      ...order,
      state: 'confirmed',
      merchant_reference: { order_ref_1: ref, order_ref_2: 'ticket-0080' },
    };
    expect((await driver.putOrder(uuid, withRefs)).status).toBe(200);
    expect(await view(uuid)).toMatchObject({ order_ref_1: ref, order_ref_2: 'ticket-0080', confirmed_count: 2 });
  });

  it('accepts an int order_ref_1 and stores it as a string', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const numeric = 900_000 + refCounter++;
    expect(
      (await driver.putOrder(uuid, { ...order, state: 'confirmed', merchant_reference: { order_ref_1: numeric } }))
        .status,
    ).toBe(200);
    expect(await view(uuid)).toMatchObject({ order_ref_1: String(numeric) });
  });

  it('answers 409 for a different order_ref_1 than the one already stored', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const ref = nextRef();
    await driver.confirm(uuid, order, ref);
    expect(await conflictMessage(driver.confirm(uuid, order, 'OTHER-REF'))).toBe(
      `merchant_reference.order_ref_1 'OTHER-REF' differs from '${ref}', already registered for this order`,
    );
    expect(await view(uuid)).toMatchObject({ order_ref_1: ref, confirmed_count: 1 });
  });

  it('answers 409 for an order_ref_1 already used by another confirmed order of the merchant', async () => {
    const ref = nextRef();
    const first = sampleOrder();
    await driver.confirm(await approved(first), first, ref);
    const second = sampleOrder();
    const uuid = await approved(second);
    expect(await conflictMessage(driver.confirm(uuid, second, ref))).toBe(
      `merchant_reference.order_ref_1 '${ref}' is already used by another confirmed order of merchant 'pos_demo_es'`,
    );
    expect(await view(uuid)).toMatchObject({ state: 'approved' });
  });

  it('checks a ref given at solicitation for uniqueness when confirming', async () => {
    const ref = nextRef();
    const first = sampleOrder();
    await driver.confirm(await approved(first), first, ref);
    const second = sampleOrder({ orderRef1: ref });
    const uuid = await approved(second);
    expect(await conflictMessage(driver.confirm(uuid, { ...second, merchant_reference: undefined }))).toMatch(
      /is already used by another confirmed order/,
    );
  });

  it('accepts a smaller cart (removed item) and stores it', async () => {
    const order = sampleOrder({ lines: [5000, 7000] });
    const uuid = await approved(order);
    const smaller = sampleOrder({ lines: [5000] });
    expect((await driver.confirm(uuid, smaller)).status).toBe(200);
    expect(await view(uuid)).toMatchObject({
      state: 'confirmed',
      order_total_with_tax: 5000,
      cart: { order_total_with_tax: 5000 },
    });
  });

  it('answers 409 when an item was added', async () => {
    const order = sampleOrder({ lines: [5000, 7000] });
    const uuid = await approved(order);
    const added = sampleOrder({ lines: [5000, 7000] });
    const cart = added.cart as { items: JsonObject[]; order_total_with_tax: number };
    cart.items[1] = { ...cart.items[1], reference: 'SKU-NEW' };
    expect(await conflictMessage(driver.confirm(uuid, added))).toBe(
      "Item 'SKU-NEW' was added to the cart after the shopper's approval; start a new solicitation",
    );
  });

  it('answers 409 when the total was raised', async () => {
    const order = sampleOrder({ lines: [5000] });
    const uuid = await approved(order);
    expect(await conflictMessage(driver.confirm(uuid, sampleOrder({ lines: [5100] })))).toBe(
      "The order total was raised from 5000 to 5100 after the shopper's approval; start a new solicitation",
    );
    expect(await view(uuid)).toMatchObject({ state: 'approved', confirmed_count: 0 });
  });

  it('answers 409 when the shopper identity (nin) changed', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const other = structuredClone(order);
    (other.customer as JsonObject).nin = '46923652H';
    expect(await conflictMessage(driver.confirm(uuid, other))).toMatch(/^customer\.nin changed/);
  });

  it("answers 409 when the shopper's name changed or their NIN was dropped (strict default)", async () => {
    const order = sampleOrder();
    const renamed = structuredClone(order);
    (renamed.customer as JsonObject).surnames = 'López Ruiz';
    expect(await conflictMessage(driver.confirm(await approved(order), renamed))).toMatch(
      /^customer\.surnames changed/,
    );
    const withoutNin = structuredClone(order);
    delete (withoutNin.customer as JsonObject).nin;
    expect(await conflictMessage(driver.confirm(await approved(order), withoutNin))).toMatch(/^customer\.nin changed/);
    // Spacing and case are not a different person.
    const respaced = structuredClone(order);
    (respaced.customer as JsonObject).given_names = 'MARÍA  JOSÉ';
    expect((await driver.confirm(await approved(order), respaced)).status).toBe(200);
  });

  it('validates the payload like POST /orders', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const broken = structuredClone(order);
    (broken.cart as JsonObject).order_total_with_tax = 1;
    expect(await conflictMessage(driver.confirm(uuid, broken))).toBe(
      "Invalid data: items' total_with_tax add up to 12000 (12000) but order_total_with_tax is 1. The diff is -11999.",
    );
    expect(await conflictMessage(driver.putOrder(uuid, { ...order, state: 'cancelled' }))).toBe(
      "Invalid data: state 'cancelled' is not valid here; use 'confirmed' or 'on_hold'",
    );
  });

  it('answers 404 for an unknown order', async () => {
    expect((await driver.confirm('00000000-0000-4000-8000-000000000000', sampleOrder())).status).toBe(404);
  });
});

describe('orders that cannot be confirmed', () => {
  it('gives a distinct 409 before approval, under review, after rejection, expiry and cancellation', async () => {
    const messages = new Map<string, string>();

    const order = sampleOrder();
    const fresh = await driver.createOrder(order);
    messages.set('solicited (no SMS)', await conflictMessage(driver.confirm(fresh, order)));
    const sent = await solicited(order);
    messages.set('solicited', await conflictMessage(driver.confirm(sent, order)));

    const review = await solicited(order);
    await driver.shopper(review, 'review_cancel');
    messages.set('needs_review', await conflictMessage(driver.confirm(review, order)));
    expect((await driver.putOrder(review, { ...order, state: 'on_hold' })).status).toBe(200);
    messages.set('on_hold', await conflictMessage(driver.confirm(review, order)));

    const rejected = await solicited(order);
    await driver.shopper(rejected, 'reject');
    messages.set('rejected', await conflictMessage(driver.confirm(rejected, order)));

    const abandoned = await solicited(order);
    await driver.shopper(abandoned, 'abandon');
    messages.set('expired', await conflictMessage(driver.confirm(abandoned, order)));

    await driver.advanceClock(REVIEW_DELAY_MS);
    expect(await driver.orderState(review)).toBe('cancelled');
    messages.set('cancelled', await conflictMessage(driver.confirm(review, order)));

    expect(messages.get('solicited')).toBe(
      'The order has not been approved yet: the shopper has not completed the identification form',
    );
    expect(messages.get('solicited (no SMS)')).toBe(messages.get('solicited'));
    expect(messages.get('needs_review')).toMatch(/under review/);
    expect(messages.get('rejected')).toMatch(/rejected/);
    expect(messages.get('expired')).toMatch(/expired/);
    expect(messages.get('cancelled')).toMatch(/cancelled/);
    const distinct = new Set(
      [...messages.entries()].filter(([key]) => key !== 'solicited (no SMS)').map(([, message]) => message),
    );
    expect(distinct.size).toBe(6);
  });
});

describe('review', () => {
  it('needs_review → on_hold (PUT state=on_hold) → approved after the review delay → confirmed', async () => {
    const order = sampleOrder();
    const uuid = await solicited(order);
    expect((await driver.shopper(uuid, 'review_approve')).json()).toMatchObject({ state: 'needs_review' });
    expect((await driver.putOrder(uuid, { ...order, state: 'on_hold' })).status).toBe(200);
    expect((await driver.putOrder(uuid, { ...order, state: 'on_hold' })).status).toBe(200);
    expect(await view(uuid)).toMatchObject({ state: 'on_hold', was_on_hold: true });
    await driver.advanceClock(REVIEW_DELAY_MS);
    expect(await driver.orderState(uuid)).toBe('approved');
    expect((await driver.confirm(uuid, order, nextRef())).status).toBe(200);
    const confirmed = await view(uuid);
    expect(confirmed).toMatchObject({ state: 'confirmed', was_on_hold: true });
    expect((confirmed.history as Array<{ to: string }>).map((change) => change.to)).toEqual([
      'solicited',
      'needs_review',
      'on_hold',
      'approved',
      'confirmed',
    ]);
  });

  it('needs_review → cancelled after the review delay for review_cancel', async () => {
    const uuid = await solicited();
    await driver.shopper(uuid, 'review_cancel');
    expect(await driver.orderState(uuid)).toBe('needs_review');
    await driver.advanceClock(REVIEW_DELAY_MS);
    expect(await driver.orderState(uuid)).toBe('cancelled');
  });

  it('sends the magic names "Review Test Approve" / "Review Test Cancel" to review when the shopper approves', async () => {
    const approve = await solicited(sampleOrder({ givenNames: 'Review Test', surnames: 'Approve' }));
    const cancel = await solicited(sampleOrder({ givenNames: 'Review', surnames: 'Test Cancel' }));
    expect((await driver.shopper(approve, 'approve')).json()).toMatchObject({
      state: 'needs_review',
      review: { result: 'approved' },
    });
    expect((await driver.shopper(cancel, 'approve')).json()).toMatchObject({
      state: 'needs_review',
      review: { result: 'cancelled' },
    });
    await driver.advanceClock(REVIEW_DELAY_MS);
    expect(await driver.orderState(approve)).toBe('approved');
    expect(await driver.orderState(cancel)).toBe('cancelled');
  });

  it('refuses PUT state=on_hold unless the order is under review', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    expect(await conflictMessage(driver.putOrder(uuid, { ...order, state: 'on_hold' }))).toBe(
      'Only an order under review can be put on hold; this order is approved',
    );
  });

  it("with confirmUnderReview 'on_hold', a confirm under review answers 200 and leaves the order on hold", async () => {
    const lenient = await startSandbox({ quiet: true, reviewDelayMs: 60_000, confirmUnderReview: 'on_hold' });
    try {
      const lenientDriver = new SandboxDriver(lenient);
      const order = sampleOrder();
      const uuid = await lenientDriver.createOrder(order);
      await lenientDriver.sendSms(uuid);
      await lenientDriver.shopper(uuid, 'review_approve');
      expect((await lenientDriver.confirm(uuid, order)).status).toBe(200);
      expect((await lenientDriver.control('GET', `/orders/${uuid}`)).json()).toMatchObject({
        state: 'on_hold',
        confirmed_count: 0,
      });
    } finally {
      await lenient.close();
    }
  });
});

describe('solicitation expiry', () => {
  it('expires a solicited order after the TTL (checked on access) and refuses confirm and shopper outcomes', async () => {
    const shortLived = await startSandbox({ quiet: true, solicitationTtlS: 60 });
    try {
      const shortDriver = new SandboxDriver(shortLived);
      const order = sampleOrder();
      const uuid = await shortDriver.createOrder(order);
      await shortDriver.sendSms(uuid);
      const approvedInTime = await shortDriver.createOrder(order);
      await shortDriver.sendSms(approvedInTime);
      await shortDriver.shopper(approvedInTime, 'approve');
      await shortDriver.advanceClock(60_000);
      expect(await shortDriver.orderState(uuid)).toBe('expired');
      expect((await shortDriver.confirm(uuid, order)).json()).toEqual({
        errors: ['The solicitation expired before the shopper completed it; start a new solicitation'],
      });
      expect((await shortDriver.shopper(uuid, 'approve')).status).toBe(409);
      expect((await shortDriver.sendSms(uuid)).status).toBe(409);
      // The solicitation TTL is for solicited orders: an approval has its own (approvalTtlS).
      expect((await shortDriver.confirm(approvedInTime, order)).status).toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it('lets an approval expire when it is not confirmed within approvalTtlS', async () => {
    const shortApproval = await startSandbox({ quiet: true, approvalTtlS: 60 });
    try {
      const shortDriver = new SandboxDriver(shortApproval);
      const order = sampleOrder();
      const late = await shortDriver.createOrder(order);
      await shortDriver.sendSms(late);
      await shortDriver.shopper(late, 'approve');
      const onTime = await shortDriver.createOrder(order);
      await shortDriver.sendSms(onTime);
      await shortDriver.shopper(onTime, 'approve');
      expect((await shortDriver.confirm(onTime, order, 'T-ON-TIME')).status).toBe(200);
      await shortDriver.advanceClock(60_000);
      expect(await shortDriver.orderState(late)).toBe('expired');
      expect((await shortDriver.confirm(late, order, 'T-LATE')).json()).toEqual({
        errors: ['The approval expired before the order was confirmed; start a new solicitation'],
      });
      // A confirmed order never expires.
      expect(await shortDriver.orderState(onTime)).toBe('confirmed');
    } finally {
      await shortApproval.close();
    }
  });

  it('approvals never expire with approvalTtlS null (or strict: false)', async () => {
    const lenient = await startSandbox({ quiet: true, strict: false });
    try {
      expect(lenient.config.approval_ttl_s).toBeNull();
    } finally {
      await lenient.close();
    }
  });

  it('honours merchant.timeout.timeout_at when it comes before the TTL', async () => {
    const order = sampleOrder();
    (order.merchant as JsonObject).timeout = {
      timeout_at: new Date(Date.parse(await sandboxNow()) + 60_000).toISOString(),
      timeout_url: 'https://shop.example/timeout',
    };
    const uuid = await driver.createOrder(order);
    expect(await driver.orderState(uuid)).toBe('solicited');
    await driver.advanceClock(60_000);
    expect(await driver.orderState(uuid)).toBe('expired');
  });
});

describe('PUT without a state change', () => {
  it('registers data on an approved order without confirming it', async () => {
    const order = sampleOrder();
    const uuid = await approved(order);
    const ref = nextRef();
    expect(
      (await driver.putOrder(uuid, { ...order, state: '', merchant_reference: { order_ref_1: ref } })).status,
    ).toBe(200);
    expect(await view(uuid)).toMatchObject({ state: 'approved', order_ref_1: ref, confirmed_count: 0 });
  });
});
