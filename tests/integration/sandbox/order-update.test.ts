// PUT /merchants/{id}/orders/{order_ref_1} (sequra-api.md §2.6): ship, partial shipping, returns and refunds, cancellation,
// and the 403/404/409 answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver } from '../../../sandbox/index.ts';
import { emptyCart, sampleCart, sampleItems, sampleOrder, type JsonObject } from '../../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

let sandbox: RunningSandbox;
let driver: SandboxDriver;
let refCounter = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true, reviewDelayMs: 60_000 });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());

const LINES = [5000, 7000];

function nextRef(): string {
  refCounter += 1;
  return `A14/${refCounter}-ñ`;
}

function update(ref: string, shipped: JsonObject, unshipped: JsonObject): JsonObject {
  return {
    merchant: { id: 'pos_demo_es' },
    merchant_reference: { order_ref_1: ref },
    shipped_cart: shipped,
    unshipped_cart: unshipped,
    trackings: [],
  };
}

async function view(uuid: string): Promise<JsonObject> {
  return (await driver.control('GET', `/orders/${uuid}`)).json<JsonObject>();
}

async function confirmedOrder(): Promise<{ uuid: string; ref: string }> {
  const ref = nextRef();
  const uuid = await driver.confirmedOrder(ref, sampleOrder({ lines: LINES }));
  return { uuid, ref };
}

describe('order update', () => {
  it('ships everything: 204, state shipped, carts stored (the ref is URL-escaped in the path)', async () => {
    const { uuid, ref } = await confirmedOrder();
    const reply = await driver.updateOrder(ref, update(ref, sampleCart(LINES), emptyCart()));
    expect(reply.status).toBe(204);
    expect(await view(uuid)).toMatchObject({
      state: 'shipped',
      shipped_cart: { order_total_with_tax: 12_000 },
      unshipped_cart: { order_total_with_tax: 0, items: [] },
    });
    const log = (await driver.control('GET', `/requests?order_uuid=${uuid}`)).json<Array<{ path: string }>>();
    expect(log.at(-1)!.path).toBe(`/merchants/pos_demo_es/orders/${encodeURIComponent(ref)}`);
  });

  it('accepts a partial shipment (unshipped items stay in unshipped_cart)', async () => {
    const { uuid, ref } = await confirmedOrder();
    expect((await driver.updateOrder(ref, update(ref, sampleCart([5000]), sampleCart([7000])))).status).toBe(204);
    expect(await view(uuid)).toMatchObject({
      state: 'shipped',
      shipped_cart: { order_total_with_tax: 5000 },
      unshipped_cart: { order_total_with_tax: 7000 },
    });
  });

  it('keeps the order confirmed while nothing is shipped', async () => {
    const { uuid, ref } = await confirmedOrder();
    expect((await driver.updateOrder(ref, update(ref, emptyCart(), sampleCart(LINES)))).status).toBe(204);
    expect(await driver.orderState(uuid)).toBe('confirmed');
  });

  it('accepts a partial return as a reduced shipped_cart with a negative other_payment refund', async () => {
    const { uuid, ref } = await confirmedOrder();
    await driver.updateOrder(ref, update(ref, sampleCart(LINES), emptyCart()));
    const afterReturn = {
      currency: 'EUR',
      order_total_with_tax: 9500,
      items: [
        ...sampleItems(LINES),
        { type: 'other_payment', reference: 'r_1', name: 'Refund', total_with_tax: -2500 },
      ],
    };
    expect((await driver.updateOrder(ref, update(ref, afterReturn, emptyCart()))).status).toBe(204);
    const stored = await view(uuid);
    expect(stored).toMatchObject({ state: 'shipped', shipped_cart: { order_total_with_tax: 9500 } });
    expect((stored.shipped_cart as { items: JsonObject[] }).items).toHaveLength(3);
    const keptOne = sampleCart([5000]);
    expect((await driver.updateOrder(ref, update(ref, keptOne, emptyCart()))).status).toBe(204);
    expect(await view(uuid)).toMatchObject({ shipped_cart: { order_total_with_tax: 5000 } });
  });

  it('cancels with both carts empty, idempotently, and refuses updates afterwards', async () => {
    const { uuid, ref } = await confirmedOrder();
    expect(
      (
        await driver.updateOrder(ref, {
          ...update(ref, emptyCart(), emptyCart()),
          cancellation_reason: 'customer_cancel',
        })
      ).status,
    ).toBe(204);
    expect(await driver.orderState(uuid)).toBe('cancelled');
    expect((await driver.updateOrder(ref, update(ref, emptyCart(), emptyCart()))).status).toBe(204);
    const revived = await driver.updateOrder(ref, update(ref, sampleCart(LINES), emptyCart()));
    expect(revived.status).toBe(409);
    expect(revived.json()).toEqual({ errors: ['The order was cancelled; it cannot be updated any more'] });
    expect((await driver.confirm(uuid, sampleOrder({ lines: LINES }))).status).toBe(409);
  });

  it("answers 409 with SeQura's 'In shipped_cart, ' / 'In unshipped_cart, ' sum messages", async () => {
    const { ref } = await confirmedOrder();
    const shipped = sampleCart(LINES);
    shipped.order_total_with_tax = 12_001;
    const unshipped = { ...emptyCart(), order_total_with_tax: 5 };
    const reply = await driver.updateOrder(ref, update(ref, shipped, unshipped));
    expect(reply.status).toBe(409);
    expect(reply.json()).toEqual({
      errors: [
        "Invalid data: In shipped_cart, items' total_with_tax add up to 12000 (5000+7000) but order_total_with_tax is 12001. The diff is 1.",
        "Invalid data: In unshipped_cart, items' total_with_tax add up to 0 () but order_total_with_tax is 5. The diff is 5.",
      ],
    });
  });

  it('answers 409 when a cart is missing, the refs disagree or the total grows', async () => {
    const { ref } = await confirmedOrder();
    const noUnshipped = update(ref, sampleCart(LINES), emptyCart());
    delete noUnshipped.unshipped_cart;
    expect((await driver.updateOrder(ref, noUnshipped)).json()).toEqual({
      errors: ['Invalid data: unshipped_cart is required'],
    });

    const otherRef = update('SOMETHING-ELSE', sampleCart(LINES), emptyCart());
    expect((await driver.updateOrder(ref, otherRef)).json()).toEqual({
      errors: [`Invalid data: merchant_reference.order_ref_1 'SOMETHING-ELSE' does not match the URL's '${ref}'`],
    });

    const bigger = await driver.updateOrder(ref, update(ref, sampleCart([...LINES, 100]), emptyCart()));
    expect(bigger.status).toBe(409);
    expect(bigger.json()).toEqual({
      errors: ['Invalid data: the order total cannot be raised after confirmation (from 12000 to 12100)'],
    });

    const notWrapped = await driver.request('PUT', `/merchants/pos_demo_es/orders/${encodeURIComponent(ref)}`, {
      body: update(ref, sampleCart(LINES), emptyCart()),
    });
    expect(notWrapped.json()).toEqual({ errors: ['param is missing or the value is empty: order'] });
  });

  it('answers 404 HTML for an unknown order_ref_1', async () => {
    const reply = await driver.updateOrder('NO-SUCH-REF', update('NO-SUCH-REF', emptyCart(), emptyCart()));
    expect(reply.status).toBe(404);
    expect(reply.text).toContain("The page you were looking for doesn't exist");
  });

  it('answers 404 for cancelling an on-hold order that was never confirmed', async () => {
    const ref = nextRef();
    const order = sampleOrder({ orderRef1: ref, lines: LINES });
    const uuid = await driver.createOrder(order);
    await driver.sendSms(uuid);
    await driver.shopper(uuid, 'review_approve');
    expect((await driver.putOrder(uuid, { ...order, state: 'on_hold' })).status).toBe(200);
    expect(await view(uuid)).toMatchObject({ state: 'on_hold', order_ref_1: ref });
    const reply = await driver.updateOrder(ref, update(ref, emptyCart(), emptyCart()));
    expect(reply.status).toBe(404);
    expect(await driver.orderState(uuid)).toBe('on_hold');
  });

  it('answers 404 for an approved order that was never confirmed', async () => {
    const ref = nextRef();
    const order = sampleOrder({ orderRef1: ref });
    const uuid = await driver.createOrder(order);
    await driver.sendSms(uuid);
    await driver.shopper(uuid, 'approve');
    expect((await driver.updateOrder(ref, update(ref, sampleCart([12_000]), emptyCart()))).status).toBe(404);
  });

  it('acknowledges a late confirm retry after the handover without rewinding the shipped carts', async () => {
    const ref = nextRef();
    const order = sampleOrder({ lines: LINES });
    const uuid = await driver.confirmedOrder(ref, order);
    await driver.updateOrder(ref, update(ref, sampleCart([5000]), emptyCart()));
    expect((await driver.confirm(uuid, order, ref)).status).toBe(200);
    expect(await view(uuid)).toMatchObject({
      state: 'shipped',
      confirmed_count: 2,
      shipped_cart: { order_total_with_tax: 5000 },
    });
  });
});
