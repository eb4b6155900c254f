// POST /orders (validation, 204 + Location) and POST /orders/{uuid}/form_deliveries (the SMS rules).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver } from '../../../sandbox/index.ts';
import { sampleCart, sampleOrder, type JsonObject } from '../../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

let sandbox: RunningSandbox;
let driver: SandboxDriver;

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true, smsLimit: 3 });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());

async function postOrder(order: JsonObject) {
  return driver.request('POST', '/orders', { body: { order } });
}

async function errorsOf(order: JsonObject): Promise<string[]> {
  const reply = await postOrder(order);
  expect(reply.status).toBe(409);
  return reply.json<{ errors: string[] }>().errors;
}

function withAddresses(order: JsonObject, change: (address: JsonObject) => void): JsonObject {
  const copy = structuredClone(order);
  change(copy.delivery_address as JsonObject);
  change(copy.invoice_address as JsonObject);
  return copy;
}

describe('POST /orders', () => {
  it('answers 204 with an absolute Location on its own host and a lowercase uuid v4', async () => {
    const reply = await postOrder(sampleOrder());
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    const location = reply.headers.get('location')!;
    expect(location).toMatch(
      new RegExp(`^${sandbox.baseUrl}/orders/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`),
    );
    const uuid = location.split('/').pop()!;
    expect(await driver.orderState(uuid)).toBe('solicited');
  });

  it('creates a new order on every POST (not idempotent)', async () => {
    const order = sampleOrder();
    expect(await driver.createOrder(order)).not.toBe(await driver.createOrder(order));
  });

  it("rejects a cart whose items do not add up with SeQura's exact message", async () => {
    const order = sampleOrder();
    order.cart = {
      currency: 'EUR',
      order_total_with_tax: 5097,
      items: [
        {
          type: 'product',
          reference: 'A',
          name: 'A',
          price_with_tax: 200,
          quantity: 1,
          total_with_tax: 200,
          downloadable: false,
        },
        { type: 'handling', reference: 'H', name: 'Correos', total_with_tax: 295 },
        { type: 'discount', reference: 'D', name: 'Descuento', total_with_tax: -1500 },
        { reference: 'B', name: 'B', price_with_tax: 3030, quantity: 2, total_with_tax: 6060, downloadable: false },
      ],
    };
    expect(await errorsOf(order)).toEqual([
      "Invalid data: items' total_with_tax add up to 5055 (200+295+-1500+6060) but order_total_with_tax is 5097. The diff is 42.",
    ]);
  });

  it('reports missing required fields field by field', async () => {
    const order = sampleOrder();
    delete (order.customer as JsonObject).email;
    delete order.delivery_method;
    delete order.gui;
    delete (order.platform as JsonObject).name;
    delete (order.merchant as JsonObject).id;
    delete ((order.cart as JsonObject).items as JsonObject[])[0]!.name;
    const errors = await errorsOf(order);
    expect(errors).toEqual(
      expect.arrayContaining([
        'Invalid data: merchant.id is required',
        'Invalid data: delivery_method is required',
        'Invalid data: customer.email is required',
        'Invalid data: gui is required',
        'Invalid data: platform.name is required',
        'Invalid data: cart.items[0].name is required',
      ]),
    );
  });

  it('requires cart, addresses and sane values', async () => {
    const noCart = sampleOrder();
    delete noCart.cart;
    expect(await errorsOf(noCart)).toContain('Invalid data: cart is required');

    const noAddresses = sampleOrder();
    delete noAddresses.delivery_address;
    delete noAddresses.invoice_address;
    expect(await errorsOf(noAddresses)).toEqual([
      'Invalid data: delivery_address is required',
      'Invalid data: invoice_address is required',
    ]);
    (noAddresses.merchant as JsonObject).options = { addresses_may_be_missing: true };
    expect((await postOrder(noAddresses)).status).toBe(204);

    const dollars = sampleOrder();
    (dollars.cart as JsonObject).currency = 'USD';
    expect(await errorsOf(dollars)).toEqual(['Invalid data: cart.currency must be one of "EUR"']);

    const euros = sampleOrder();
    ((euros.cart as JsonObject).items as JsonObject[])[0]!.total_with_tax = 120.5;
    expect(await errorsOf(euros)).toContain('Invalid data: cart.items[0].total_with_tax must be an integer (cents)');

    const free = sampleOrder({ lines: [] });
    expect(await errorsOf(free)).toEqual(['Invalid data: order_total_with_tax must be greater than 0 (got 0)']);

    const oddItem = sampleOrder();
    ((oddItem.cart as JsonObject).items as JsonObject[]).push({
      type: 'gift_card',
      reference: 'G',
      name: 'G',
      total_with_tax: 0,
    });
    expect((await errorsOf(oddItem))[0]).toMatch(
      /^Invalid data: cart\.items\[1\]\.type 'gift_card' is not a valid item type/,
    );

    const positiveDiscount = sampleOrder();
    (positiveDiscount.cart as JsonObject).items = [
      ...((positiveDiscount.cart as JsonObject).items as JsonObject[]),
      { type: 'discount', reference: 'D', name: 'D', total_with_tax: 100 },
    ];
    (positiveDiscount.cart as JsonObject).order_total_with_tax = 12_100;
    expect(await errorsOf(positiveDiscount)).toEqual(['Invalid data: cart.items[1].total_with_tax must be at most 0']);

    const startedConfirmed = sampleOrder();
    startedConfirmed.state = 'confirmed';
    expect(await errorsOf(startedConfirmed)).toEqual([
      "Invalid data: state must be empty when starting a solicitation (got 'confirmed')",
    ]);
  });

  it('treats null and absent optional fields alike', async () => {
    const order = sampleOrder();
    order.state = null;
    order.merchant_reference = null;
    order.trackings = null;
    Object.assign(order.merchant as JsonObject, { notify_url: null, options: null });
    Object.assign(order.customer as JsonObject, { nin: null, user_agent: null, date_of_birth: null });
    Object.assign(order.delivery_address as JsonObject, { phone: null, state: null });
    Object.assign(order.cart as JsonObject, { gift: null, cart_ref: null });
    expect((await postOrder(order)).status).toBe(204);
  });

  describe('strict by default, as SeQura is', () => {
    it('refuses notify_url, return_url and approved_url from a manual-confirmation merchant', async () => {
      const order = sampleOrder();
      Object.assign(order.merchant as JsonObject, {
        notify_url: 'https://shop.example/ipn',
        return_url: 'https://shop.example/back',
        approved_url: 'https://shop.example/ok',
      });
      expect(await errorsOf(order)).toEqual([
        'Invalid data: merchant.notify_url is not allowed for manual-confirmation merchants',
        'Invalid data: merchant.return_url is not allowed for manual-confirmation merchants',
        'Invalid data: merchant.approved_url is not allowed for manual-confirmation merchants',
      ]);
    });

    it('refuses a store order without store_ref or operator_ref', async () => {
      for (const field of ['store_ref', 'operator_ref']) {
        const order = sampleOrder();
        delete (order.merchant as JsonObject)[field];
        expect(await errorsOf(order)).toEqual([
          `Invalid data: merchant.${field} is required for orders placed in a physical store`,
        ]);
        (order.merchant as JsonObject)[field] = '  ';
        expect(await errorsOf(order)).toHaveLength(1);
      }
    });

    it('refuses blank platform fields', async () => {
      const order = sampleOrder();
      Object.assign(order.platform as JsonObject, { uname: '', db_version: ' ' });
      expect(await errorsOf(order)).toEqual([
        "Invalid data: platform.uname can't be blank",
        "Invalid data: platform.db_version can't be blank",
      ]);
    });

    it('refuses the legacy tax fields', async () => {
      const order = sampleOrder();
      const cart = order.cart as JsonObject;
      cart.order_total_without_tax = 9917;
      Object.assign((cart.items as JsonObject[])[0]!, { tax_rate: 21, total_without_tax: 9917 });
      expect(await errorsOf(order)).toEqual([
        'Invalid data: cart.order_total_without_tax is no longer supported',
        'Invalid data: cart.items[0].total_without_tax is no longer supported',
        'Invalid data: cart.items[0].tax_rate is no longer supported',
      ]);
    });

    it('refuses an item whose total is not price × quantity', async () => {
      const order = sampleOrder();
      Object.assign(((order.cart as JsonObject).items as JsonObject[])[0]!, { quantity: 2 });
      expect(await errorsOf(order)).toEqual([
        'Invalid data: cart.items[0].total_with_tax is 12000 but price_with_tax × quantity is 24000',
      ]);
    });

    it('is lenient on each of those rules only behind an explicit option', async () => {
      const lenient = await startSandbox({ quiet: true, strict: false });
      try {
        const order = sampleOrder();
        const merchant = order.merchant as JsonObject;
        merchant.notify_url = 'https://shop.example/ipn';
        delete merchant.store_ref;
        delete merchant.operator_ref;
        (order.platform as JsonObject).uname = '';
        Object.assign(((order.cart as JsonObject).items as JsonObject[])[0]!, { quantity: 2, tax_rate: 21 });
        const reply = await new SandboxDriver(lenient).request('POST', '/orders', { body: { order } });
        expect(reply.status).toBe(204);
        expect(lenient.config).toMatchObject({ strict: false });
      } finally {
        await lenient.close();
      }
    });
  });

  describe('shipped carts (merchant.options.uses_shipped_cart)', () => {
    function shippedOrder(): JsonObject {
      const order = sampleOrder();
      delete order.cart;
      (order.merchant as JsonObject).options = { uses_shipped_cart: true };
      order.shipped_cart = sampleCart([3000]);
      order.unshipped_cart = sampleCart([9000]);
      return order;
    }

    it('accepts shipped_cart + unshipped_cart and finances both', async () => {
      const uuid = await driver.createOrder(shippedOrder());
      const view = (await driver.control('GET', `/orders/${uuid}`)).json<JsonObject>();
      expect(view).toMatchObject({
        order_total_with_tax: 12_000,
        cart: null,
        shipped_cart: { order_total_with_tax: 3000 },
        unshipped_cart: { order_total_with_tax: 9000 },
      });
    });

    it('forbids mixing cart with shipped carts either way', async () => {
      const mixed = shippedOrder();
      mixed.cart = sampleCart([12_000]);
      expect(await errorsOf(mixed)).toEqual([
        'Invalid data: cart is not allowed when merchant.options.uses_shipped_cart is true; send shipped_cart and unshipped_cart',
      ]);
      const withoutOption = sampleOrder();
      withoutOption.shipped_cart = sampleCart([100]);
      expect(await errorsOf(withoutOption)).toEqual([
        'Invalid data: shipped_cart and unshipped_cart need merchant.options.uses_shipped_cart = true; otherwise send cart',
      ]);
    });

    it('checks the sum rule per cart with the cart name as prefix', async () => {
      const order = shippedOrder();
      (order.shipped_cart as JsonObject).order_total_with_tax = 3001;
      expect(await errorsOf(order)).toEqual([
        "Invalid data: In shipped_cart, items' total_with_tax add up to 3000 (3000) but order_total_with_tax is 3001. The diff is 1.",
      ]);
    });
  });
});

describe('POST /orders/{uuid}/form_deliveries', () => {
  async function smsErrors(uuid: string, body: JsonObject): Promise<string[]> {
    const reply = await driver.sendSms(uuid, body);
    expect(reply.status).toBe(409);
    return reply.json<{ errors: string[] }>().errors;
  }

  it('answers 204 for an unwrapped {"channel":"sms","product_code":...} body and records the SMS', async () => {
    const uuid = await driver.createOrder();
    const reply = await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp3', product: 'pp3', ajax: true });
    expect(reply.status).toBe(204);
    const view = (await driver.control('GET', `/orders/${uuid}`)).json<JsonObject>();
    expect(view).toMatchObject({
      state: 'solicited',
      sms_sent: 1,
      product_code: 'pp3',
      campaign: null,
      mobile_phone: '612 345 678',
    });
  });

  it('answers 404 for an unknown order', async () => {
    expect((await driver.sendSms('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('only knows the sms channel and needs product_code', async () => {
    const uuid = await driver.createOrder();
    expect(await smsErrors(uuid, { channel: 'email', product_code: 'i1' })).toEqual([
      "Invalid data: channel 'email' is not supported; the only channel is 'sms'",
    ]);
    expect(await smsErrors(uuid, { channel: 'sms' })).toEqual(['Invalid data: product_code is required']);
    expect(await smsErrors(uuid, { order: { channel: 'sms', product_code: 'i1' } })).toEqual([
      'Invalid data: channel is required',
      'Invalid data: product_code is required',
    ]);
  });

  it('only sends products offered to the merchant', async () => {
    const uuid = await driver.createOrder();
    expect(await smsErrors(uuid, { channel: 'sms', product_code: 'pp9' })).toEqual([
      "Product 'pp9' is not available for merchant 'pos_demo_es' (offered: i1, pp5, sp1, pp3)",
    ]);
  });

  it('requires the campaign for pp5', async () => {
    const uuid = await driver.createOrder();
    expect(await smsErrors(uuid, { channel: 'sms', product_code: 'pp5' })).toEqual([
      'campaign is required for product pp5 (available: temporary)',
    ]);
    expect(await smsErrors(uuid, { channel: 'sms', product_code: 'pp5', campaign: 'summer' })).toEqual([
      "Campaign 'summer' is not available for product pp5 (available: temporary)",
    ]);
    expect((await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp5', campaign: 'temporary' })).status).toBe(
      204,
    );
    expect((await driver.control('GET', `/orders/${uuid}`)).json()).toMatchObject({
      product_code: 'pp5',
      campaign: 'temporary',
    });
  });

  it('refuses a product whose min/max amount does not fit the order', async () => {
    const small = await driver.createOrder(sampleOrder({ lines: [4000] }));
    expect(await smsErrors(small, { channel: 'sms', product_code: 'pp3' })).toEqual([
      'Product pp3 is not available for this order: order_total_with_tax 4000 is outside min_amount 5000 and max_amount 300000',
    ]);
    const large = await driver.createOrder(sampleOrder({ lines: [150_001] }));
    expect((await smsErrors(large, { channel: 'sms', product_code: 'i1' }))[0]).toMatch(
      /^Product i1 is not available for this order/,
    );
    expect((await driver.sendSms(large, { channel: 'sms', product_code: 'pp3' })).status).toBe(204);
  });

  it('refuses an invoice_fee item with products other than i1', async () => {
    const order = sampleOrder({ lines: [10_000] });
    ((order.cart as JsonObject).items as JsonObject[]).push({ type: 'invoice_fee', total_with_tax: 100 });
    (order.cart as JsonObject).order_total_with_tax = 10_100;
    const uuid = await driver.createOrder(order);
    expect((await smsErrors(uuid, { channel: 'sms', product_code: 'pp3' }))[0]).toMatch(
      /invoice fees are only allowed with i1/,
    );
    expect((await driver.sendSms(uuid, { channel: 'sms', product_code: 'i1' })).status).toBe(204);
  });

  it('only sends to Spanish mobiles: 6 or 7 then 8 digits, optional +34/0034, spaces allowed', async () => {
    for (const mobile of ['612345678', '712 345 678', '+34 612 345 678', '0034612345678', '+34612345678']) {
      const uuid = await driver.createOrder(sampleOrder({ mobilePhone: mobile }));
      expect((await driver.sendSms(uuid)).status, mobile).toBe(204);
    }
    for (const mobile of ['912 345 678', '+44 7700 900123', '61234567', '6123456789', '612-345-678']) {
      const uuid = await driver.createOrder(sampleOrder({ mobilePhone: mobile }));
      expect(await smsErrors(uuid, { channel: 'sms', product_code: 'i1' }), mobile).toEqual([
        `seQura only sends SMS to Spanish mobile numbers; '${mobile}' is not one`,
      ]);
    }
  });

  it('takes the number from delivery mobile, then invoice mobile, then delivery phone, then invoice phone', async () => {
    const cases: Array<[(address: JsonObject, kind: 'delivery' | 'invoice') => void, string]> = [
      [
        (address, kind) =>
          Object.assign(address, { mobile_phone: kind === 'delivery' ? '611 111 111' : '622 222 222' }),
        '611 111 111',
      ],
      [
        (address, kind) =>
          Object.assign(address, { mobile_phone: kind === 'delivery' ? '' : '622 222 222', phone: '633 333 333' }),
        '622 222 222',
      ],
      [
        (address, kind) => {
          delete address.mobile_phone;
          address.phone = kind === 'delivery' ? '644 444 444' : '655 555 555';
        },
        '644 444 444',
      ],
      [
        (address, kind) => {
          delete address.mobile_phone;
          if (kind === 'invoice') address.phone = '666 666 666';
        },
        '666 666 666',
      ],
    ];
    for (const [change, expected] of cases) {
      const order = sampleOrder();
      change(order.delivery_address as JsonObject, 'delivery');
      change(order.invoice_address as JsonObject, 'invoice');
      const uuid = await driver.createOrder(order);
      expect((await driver.sendSms(uuid)).status).toBe(204);
      const view = (await driver.control('GET', `/orders/${uuid}`)).json<{ sms: Array<{ to: string }> }>();
      expect(view.sms[0]!.to).toBe(expected);
    }
  });

  it('refuses an order without any phone number', async () => {
    const uuid = await driver.createOrder(withAddresses(sampleOrder(), (address) => delete address.mobile_phone));
    expect(await smsErrors(uuid, { channel: 'sms', product_code: 'i1' })).toEqual([
      'The order has no mobile phone number: set delivery_address.mobile_phone (or invoice_address.mobile_phone)',
    ]);
  });

  it('answers 429 with Retry-After once the per-order SMS limit is reached', async () => {
    const uuid = await driver.createOrder();
    for (let sent = 0; sent < 3; sent += 1) expect((await driver.sendSms(uuid)).status).toBe(204);
    const limited = await driver.sendSms(uuid);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json<{ errors: string[] }>().errors[0]).toMatch(/^Too many SMS for this order/);
    expect((await driver.control('GET', `/orders/${uuid}`)).json()).toMatchObject({ sms_sent: 3 });
    // The limit is per order.
    expect((await driver.sendSms(await driver.createOrder())).status).toBe(204);
  });

  it('only sends the form while the order is solicited', async () => {
    const uuid = await driver.createOrder();
    await driver.sendSms(uuid);
    await driver.shopper(uuid, 'approve');
    expect(await smsErrors(uuid, { channel: 'sms', product_code: 'i1' })).toEqual([
      'The order is approved; the identification form can only be sent while the order is solicited',
    ]);
  });
});
