import { describe, expect, it } from 'vitest';
import {
  CartPayloadSchema,
  describeItemsTotalMismatch,
  FormDeliveryRequestSchema,
  OrderItemSchema,
  OrderPayloadSchema,
  OrderUpdatePayloadSchema,
  type OrderPayload,
} from '../../../shared/order/payload.ts';
import { fieldErrors } from '../../../shared/sale/validation-codes.ts';

const emptyAddress = {
  company: '',
  address_line_1: '',
  address_line_2: '',
  postal_code: '',
  city: '',
  country_code: 'ES',
};

function minimalOrder(): OrderPayload {
  return {
    state: '',
    merchant: { id: 'pos_merchant', store_ref: 'BCN-01', operator_ref: 'op-1' },
    cart: {
      currency: 'EUR',
      gift: false,
      order_total_with_tax: 10,
      items: [
        {
          type: 'product',
          reference: 'R1',
          name: 'N',
          price_with_tax: 5,
          quantity: 2,
          total_with_tax: 10,
          downloadable: false,
        },
      ],
    },
    delivery_method: { name: 'instore' },
    delivery_address: emptyAddress,
    invoice_address: emptyAddress,
    customer: {
      email: 'x@example.com',
      logged_in: 'unknown',
      language_code: 'es-ES',
      ip_number: '127.0.0.1',
      user_agent: 'pos',
    },
    gui: { layout: 'desktop' },
    platform: { name: 'sequra-pos', version: '1', uname: 'x', db_name: 'json-journal', db_version: '1' },
  };
}

function errorsFor(value: unknown) {
  const result = OrderPayloadSchema.safeParse(value);
  return result.success ? {} : fieldErrors(result.error);
}

describe('OrderPayloadSchema', () => {
  it('accepts the minimal POS body of sequra-api.md §3.10', () => {
    expect(OrderPayloadSchema.parse(minimalOrder())).toEqual(minimalOrder());
  });

  it.each(['notify_url', 'return_url', 'approved_url'])('refuses %s in merchant (manual-confirmation flow)', (key) => {
    const order = minimalOrder();
    const withUrl = { ...order, merchant: { ...order.merchant, [key]: 'https://shop.example/sequra' } };
    expect(errorsFor(withUrl)).toEqual({ [`merchant.${key}`]: 'unexpected_field' });
  });

  it('enforces Σ items == order_total_with_tax with SeQura’s numbers in the issue', () => {
    const order = minimalOrder();
    const broken = { ...order, cart: { ...order.cart!, order_total_with_tax: 11 } };
    const result = OrderPayloadSchema.safeParse(broken);
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((candidate) => candidate.message === 'payload.items_total_mismatch');
    expect(issue?.path).toEqual(['cart', 'order_total_with_tax']);
    expect(issue && 'params' in issue ? issue.params : undefined).toMatchObject({
      itemsTotal: 10,
      orderTotal: 11,
      diff: 1,
    });
  });

  it('renders SeQura’s own sum-rule sentence', () => {
    const items = [200, 295, -1500, 6060].map((total) => ({ total_with_tax: total }));
    expect(describeItemsTotalMismatch({ order_total_with_tax: 5097, items })).toBe(
      "Invalid data: items' total_with_tax add up to 5055 (200+295+-1500+6060) but order_total_with_tax is 5097. The diff is 42.",
    );
    expect(describeItemsTotalMismatch({ order_total_with_tax: 5097, items }, 'shipped_cart')).toMatch(
      /^Invalid data: In shipped_cart, items'/,
    );
    expect(describeItemsTotalMismatch({ order_total_with_tax: 5055, items })).toBeNull();
  });

  it('refuses non-integer money and obsolete fields', () => {
    const order = minimalOrder();
    const item = order.cart!.items[0]!;
    expect(
      errorsFor({
        ...order,
        cart: { ...order.cart!, order_total_with_tax: 10.5, items: [{ ...item, total_with_tax: 10.5 }] },
      }),
    ).toMatchObject({
      'cart.order_total_with_tax': 'money.invalid',
      'cart.items.0.total_with_tax': 'money.invalid',
    });
    expect(errorsFor({ ...order, cart: { ...order.cart!, order_total_without_tax: 10 } })).toEqual({
      'cart.order_total_without_tax': 'unexpected_field',
    });
    expect(errorsFor({ ...order, cart: { ...order.cart!, currency: 'USD' } })).toEqual({ 'cart.currency': 'invalid' });
  });

  it('needs something to finance', () => {
    const order = minimalOrder();
    expect(errorsFor({ ...order, cart: { currency: 'EUR', order_total_with_tax: 0, items: [] } })).toEqual({
      cart: 'payload.nothing_to_finance',
    });
  });

  it('takes either cart or shipped/unshipped carts with the option, never both', () => {
    const order = minimalOrder();
    const cart = order.cart!;
    const emptyCart = { currency: 'EUR', order_total_with_tax: 0, items: [] };
    const shippedMode = {
      ...order,
      merchant: { ...order.merchant, options: { uses_shipped_cart: true } },
      cart: undefined,
      shipped_cart: cart,
      unshipped_cart: emptyCart,
    };
    expect(errorsFor(shippedMode)).toEqual({});
    expect(errorsFor({ ...shippedMode, cart })).toEqual({ cart: 'payload.cart_forbidden_with_shipped_cart' });
    expect(errorsFor({ ...shippedMode, unshipped_cart: undefined })).toEqual({ unshipped_cart: 'required' });
    expect(errorsFor({ ...order, shipped_cart: cart, unshipped_cart: emptyCart })).toEqual({
      shipped_cart: 'payload.shipped_cart_needs_option',
      unshipped_cart: 'payload.shipped_cart_needs_option',
    });
    expect(errorsFor({ ...order, cart: undefined })).toMatchObject({ cart: 'required' });
  });

  it('accepts only the documented states and gui layouts', () => {
    expect(errorsFor({ ...minimalOrder(), state: 'confirmed' })).toEqual({});
    expect(errorsFor({ ...minimalOrder(), state: 'on_hold' })).toEqual({});
    expect(errorsFor({ ...minimalOrder(), state: 'cancelled' })).toEqual({ state: 'invalid' });
    expect(errorsFor({ ...minimalOrder(), gui: { layout: 'mobile' } })).toEqual({ 'gui.layout': 'invalid' });
  });
});

describe('OrderItemSchema', () => {
  it('wants discounts and other payments negative', () => {
    expect(
      OrderItemSchema.safeParse({ type: 'discount', reference: 'D', name: 'Promo', total_with_tax: -100 }).success,
    ).toBe(true);
    expect(
      OrderItemSchema.safeParse({ type: 'discount', reference: 'D', name: 'Promo', total_with_tax: 100 }).success,
    ).toBe(false);
    expect(
      OrderItemSchema.safeParse({ type: 'other_payment', reference: 'CASH', name: 'Efectivo', total_with_tax: 0 })
        .success,
    ).toBe(false);
    expect(
      OrderItemSchema.safeParse({ type: 'handling', reference: 'H', name: 'Envío', total_with_tax: -1 }).success,
    ).toBe(false);
  });

  it('knows every documented type and refuses unknown ones', () => {
    const valid = [
      {
        type: 'service',
        reference: 'S',
        name: 'Montaje',
        price_with_tax: 100,
        quantity: 1,
        total_with_tax: 100,
        downloadable: false,
        ends_in: 'P3M',
      },
      { type: 'invoice_fee', total_with_tax: 195 },
      { type: 'registration', reference: 'R-reg', name: 'Reg. R', total_with_tax: 500 },
    ];
    for (const item of valid) expect(OrderItemSchema.safeParse(item).success).toBe(true);
    expect(OrderItemSchema.safeParse({ type: 'gift_card', total_with_tax: -1 }).success).toBe(false);
  });

  it('wants exactly one of ends_on / ends_in on a service', () => {
    const service = {
      type: 'service',
      reference: 'S',
      name: 'N',
      price_with_tax: 1,
      quantity: 1,
      total_with_tax: 1,
      downloadable: false,
    };
    expect(OrderItemSchema.safeParse(service).success).toBe(false);
    expect(OrderItemSchema.safeParse({ ...service, ends_on: '2026-12-31', ends_in: 'P1M' }).success).toBe(false);
    expect(OrderItemSchema.safeParse({ ...service, ends_on: '2026-12-31' }).success).toBe(true);
  });
});

describe('OrderUpdatePayloadSchema', () => {
  const empty = { currency: 'EUR', gift: false, order_total_with_tax: 0, items: [] };

  it('accepts a cancellation (both carts empty)', () => {
    expect(
      OrderUpdatePayloadSchema.safeParse({
        merchant: { id: 'm' },
        merchant_reference: { order_ref_1: 'T-1' },
        unshipped_cart: empty,
        shipped_cart: empty,
      }).success,
    ).toBe(true);
  });

  it('needs the reference and both carts, and checks each cart’s sum', () => {
    const result = OrderUpdatePayloadSchema.safeParse({
      merchant: { id: 'm' },
      shipped_cart: { ...empty, order_total_with_tax: 5 },
    });
    expect(result.success ? {} : fieldErrors(result.error)).toEqual({
      merchant_reference: 'required',
      unshipped_cart: 'required',
      'shipped_cart.order_total_with_tax': 'payload.items_total_mismatch',
    });
  });

  it('does not take the operator or options in merchant', () => {
    expect(
      OrderUpdatePayloadSchema.safeParse({
        merchant: { id: 'm', operator_ref: 'op' },
        merchant_reference: { order_ref_1: 'T-1' },
        unshipped_cart: empty,
        shipped_cart: empty,
      }).success,
    ).toBe(false);
  });
});

describe('FormDeliveryRequestSchema', () => {
  it('accepts the docs example', () => {
    expect(FormDeliveryRequestSchema.parse({ channel: 'sms', product_code: 'pp3' })).toEqual({
      channel: 'sms',
      product_code: 'pp3',
    });
  });

  it('requires a campaign for pp5', () => {
    const result = FormDeliveryRequestSchema.safeParse({ channel: 'sms', product_code: 'pp5' });
    expect(result.success ? {} : fieldErrors(result.error)).toEqual({ campaign: 'form_delivery.campaign_required' });
    expect(
      FormDeliveryRequestSchema.safeParse({ channel: 'sms', product_code: 'pp5', campaign: 'verano' }).success,
    ).toBe(true);
  });

  it('only knows the sms channel and a product equal to product_code', () => {
    expect(FormDeliveryRequestSchema.safeParse({ channel: 'email', product_code: 'pp3' }).success).toBe(false);
    expect(FormDeliveryRequestSchema.safeParse({ channel: 'sms', product_code: 'pp3', product: 'i1' }).success).toBe(
      false,
    );
    expect(FormDeliveryRequestSchema.safeParse({ channel: 'sms', product_code: 'pp3', product: 'pp3' }).success).toBe(
      true,
    );
  });
});

describe('CartPayloadSchema', () => {
  it('allows an empty cart (order updates) and refuses a negative total', () => {
    expect(CartPayloadSchema.safeParse({ currency: 'EUR', order_total_with_tax: 0, items: [] }).success).toBe(true);
    expect(
      CartPayloadSchema.safeParse({
        currency: 'EUR',
        order_total_with_tax: -100,
        items: [{ type: 'other_payment', reference: 'r_1', name: 'Refund', total_with_tax: -100 }],
      }).success,
    ).toBe(false);
  });
});
