import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  buildCancellationUpdate,
  buildHandoverUpdate,
  buildOrderPayload,
  buildReturnUpdate,
  OrderBuildError,
  returnTotals,
  ROUNDING_ITEM_REFERENCE,
  withRoundingAdjustment,
  type OrderContext,
} from '../../../shared/order/build-order-payload.ts';
import {
  itemsTotalWithTax,
  OrderPayloadSchema,
  OrderUpdatePayloadSchema,
  type CartPayload,
  type OrderItem,
} from '../../../shared/order/payload.ts';
import { cartTotals, type SaleCart } from '../../../shared/sale/cart.ts';
import type { Shopper } from '../../../shared/sale/shopper.ts';
import { VALIDATION_CODES } from '../../../shared/sale/validation-codes.ts';

// Test data: one realistic sale at a physical store.

function saleCart(overrides: Partial<SaleCart> = {}): SaleCart {
  return {
    lines: [
      { id: 'line-1', reference: 'SKU-100', name: 'Sofá 3 plazas', unitPriceCents: 79_900, quantity: 1 },
      { id: 'line-2', reference: 'SKU-200', name: 'Cojín', unitPriceCents: 1_995, quantity: 3 },
    ],
    discounts: [{ id: 'disc-1', name: 'Promo primavera', amountCents: 5_000 }],
    tillPayments: [{ id: 'pay-1', method: 'cash', amountCents: 10_000 }],
    ...overrides,
  };
}

function shopper(overrides: Partial<Shopper> = {}): Shopper {
  return {
    givenNames: 'María José',
    firstSurname: 'García',
    secondSurname: 'Pérez',
    nin: '23232323T',
    ninControl: 'BAA000589',
    dateOfBirth: '1990-05-20',
    mobile: '+34612345678',
    email: 'maria@example.es',
    address: { line1: 'C/ Mayor 1', line2: '2º 1ª', postalCode: '08013', city: 'Barcelona' },
    ...overrides,
  };
}

function orderContext(overrides: Partial<OrderContext> = {}): OrderContext {
  return {
    merchantId: 'pos_merchant',
    storeRef: 'BCN-01',
    tillId: 'T2',
    operatorRef: 'op-17',
    saleId: 'BCN-01-T2-000042',
    attempt: 1,
    requireNinControl: true,
    usesShippedCart: false,
    languageCode: 'es-ES',
    appVersion: '0.1.0',
    platformUname: 'Windows_NT 10.0.19045 x64',
    ipNumber: '192.168.1.20',
    userAgent: 'sequra-pos/0.1.0',
    ...overrides,
  };
}

function build(
  overrides: {
    cart?: SaleCart;
    shopper?: Shopper;
    context?: Partial<OrderContext>;
    state?: '' | 'confirmed';
    orderRef1?: string;
  } = {},
) {
  return buildOrderPayload({
    cart: overrides.cart ?? saleCart(),
    shopper: overrides.shopper ?? shopper(),
    context: orderContext(overrides.context),
    state: overrides.state ?? '',
    ...(overrides.orderRef1 !== undefined ? { orderRef1: overrides.orderRef1 } : {}),
  });
}

function expectSumRule(cart: CartPayload | undefined) {
  expect(cart).toBeDefined();
  expect(itemsTotalWithTax(cart!.items)).toBe(cart!.order_total_with_tax);
}

function catchBuildError(run: () => unknown): OrderBuildError {
  try {
    run();
  } catch (error) {
    if (error instanceof OrderBuildError) return error;
    throw error;
  }
  throw new Error('expected an OrderBuildError');
}

describe('buildOrderPayload', () => {
  it('builds the solicitation the spec describes', () => {
    const payload = build();
    expect(payload).toEqual({
      state: '',
      merchant: { id: 'pos_merchant', store_ref: 'BCN-01', operator_ref: 'op-17' },
      cart: {
        currency: 'EUR',
        gift: false,
        order_total_with_tax: 70_885,
        cart_ref: 'BCN-01-T2-000042-1',
        items: [
          {
            type: 'product',
            reference: 'SKU-100',
            name: 'Sofá 3 plazas',
            price_with_tax: 79_900,
            quantity: 1,
            total_with_tax: 79_900,
            downloadable: false,
          },
          {
            type: 'product',
            reference: 'SKU-200',
            name: 'Cojín',
            price_with_tax: 1_995,
            quantity: 3,
            total_with_tax: 5_985,
            downloadable: false,
          },
          { type: 'discount', reference: 'disc-1', name: 'Promo primavera', total_with_tax: -5_000 },
          { type: 'other_payment', reference: 'CASH', name: 'Pagado en efectivo en tienda', total_with_tax: -10_000 },
        ],
      },
      delivery_method: { name: 'instore', home_delivery: false },
      delivery_address: {
        given_names: 'María José',
        surnames: 'García Pérez',
        company: '',
        address_line_1: 'C/ Mayor 1',
        address_line_2: '2º 1ª',
        postal_code: '08013',
        city: 'Barcelona',
        country_code: 'ES',
        mobile_phone: '612 345 678',
      },
      invoice_address: payload.delivery_address,
      customer: {
        given_names: 'María José',
        surnames: 'García Pérez',
        email: 'maria@example.es',
        logged_in: 'unknown',
        language_code: 'es-ES',
        ip_number: '192.168.1.20',
        user_agent: 'sequra-pos/0.1.0',
        date_of_birth: '1990-05-20',
        nin: '23232323T',
        nin_control: 'BAA000589',
      },
      gui: { layout: 'desktop' },
      platform: {
        name: 'sequra-pos',
        version: '0.1.0',
        uname: 'Windows_NT 10.0.19045 x64',
        db_name: 'sqlite',
        db_version: '3',
      },
    });
    // The financed amount is the till's, to the cent.
    expect(payload.cart?.order_total_with_tax).toBe(cartTotals(saleCart()).financedCents);
    expect(payload.invoice_address.mobile_phone).toBe('612 345 678');
  });

  it('keeps Σ items == order_total_with_tax over many carts', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const lines = Array.from({ length: 1 + (seed % 7) }, (_, index) => ({
        id: `l${index}`,
        reference: `R${index}`,
        name: `Item ${index}`,
        unitPriceCents: 1 + ((seed * 7919 + index * 104_729) % 250_000),
        quantity: 1 + ((seed + index) % 5),
      }));
      const linesTotal = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
      const discount = Math.floor(linesTotal / (3 + (seed % 5)));
      const paid = Math.floor((linesTotal - discount) / (2 + (seed % 3)));
      const cart: SaleCart = {
        lines,
        discounts: discount > 0 ? [{ id: 'd', name: 'Descuento', amountCents: discount }] : [],
        tillPayments: paid > 0 ? [{ id: 'p', method: seed % 2 ? 'cash' : 'card', amountCents: paid }] : [],
      };
      const payload = build({ cart });
      expectSumRule(payload.cart);
      expect(payload.cart?.order_total_with_tax).toBe(linesTotal - discount - paid);
      expect(
        payload.cart?.items.some(
          (item) => item.type === 'handling' || ('reference' in item && item.reference === ROUNDING_ITEM_REFERENCE),
        ),
      ).toBe(false);
    }
  });

  it('sends discounts and till payments as negative items', () => {
    const cart = saleCart({
      discounts: [
        { id: 'd1', name: 'Cliente habitual', amountCents: 1_000 },
        { id: 'd2', name: 'Tara', amountCents: 250 },
      ],
      tillPayments: [
        { id: 'p1', method: 'cash', amountCents: 2_000 },
        { id: 'p2', method: 'card', amountCents: 3_000 },
      ],
    });
    const items = build({ cart, context: { languageCode: 'en-GB' } }).cart!.items;
    expect(items.filter((item) => item.type === 'discount').map((item) => item.total_with_tax)).toEqual([-1_000, -250]);
    expect(items.filter((item) => item.type === 'other_payment')).toEqual([
      { type: 'other_payment', reference: 'CASH', name: 'Paid in cash in store', total_with_tax: -2_000 },
      { type: 'other_payment', reference: 'CARD', name: 'Paid by card in store', total_with_tax: -3_000 },
    ]);
  });

  it('gives each solicitation attempt its own cart_ref', () => {
    expect(build({ context: { attempt: 1 } }).cart?.cart_ref).toBe('BCN-01-T2-000042-1');
    expect(build({ context: { attempt: 2 } }).cart?.cart_ref).toBe('BCN-01-T2-000042-2');
    expect(() => build({ context: { attempt: 0 } })).toThrow(RangeError);
  });

  it('adds merchant_reference only with a ticket number, and confirms with the same data', () => {
    expect(build()).not.toHaveProperty('merchant_reference');
    const confirmation = build({ state: 'confirmed', orderRef1: 'BCN-01-T2-000042' });
    expect(confirmation.state).toBe('confirmed');
    expect(confirmation.merchant_reference).toEqual({ order_ref_1: 'BCN-01-T2-000042' });
    const { state: _s1, merchant_reference: _r, ...confirmedRest } = confirmation;
    const { state: _s2, ...solicitedRest } = build();
    expect(confirmedRest).toEqual(solicitedRest);
    expect(catchBuildError(() => build({ orderRef1: ' ' })).code).toBe('order_ref.invalid');
  });

  it('never contains a URL', () => {
    const json = JSON.stringify(build({ state: 'confirmed', orderRef1: 'T-1' }));
    expect(json).not.toMatch(/notify_url|return_url|approved_url|https?:/);
  });

  it('puts everything in shipped_cart when the store uses shipped carts', () => {
    const payload = build({ context: { usesShippedCart: true } });
    expect(payload.merchant.options).toEqual({ uses_shipped_cart: true });
    expect(payload).not.toHaveProperty('cart');
    expect(payload.unshipped_cart).toEqual({
      currency: 'EUR',
      gift: false,
      order_total_with_tax: 0,
      cart_ref: 'BCN-01-T2-000042-1',
      items: [],
    });
    expect(payload.shipped_cart?.items).toEqual(build().cart?.items);
    expectSumRule(payload.shipped_cart);
    expect(OrderPayloadSchema.safeParse(payload).success).toBe(true);
  });

  it('sends nin_control only when there is one, and refuses to omit a required one', () => {
    expect(
      build({ shopper: shopper({ ninControl: '' }), context: { requireNinControl: false } }).customer,
    ).not.toHaveProperty('nin_control');
    expect(
      build({ shopper: shopper({ ninControl: 'BAA000589' }), context: { requireNinControl: false } }).customer
        .nin_control,
    ).toBe('BAA000589');
    expect(catchBuildError(() => build({ shopper: shopper({ ninControl: '' }) })).code).toBe('nin_control.required');
  });

  it('uses empty address fields when the shopper gave no address, keeping the mobile', () => {
    const payload = build({ shopper: shopper({ address: null, secondSurname: '', nin: 'X1234567L' }) });
    expect(payload.delivery_address).toEqual({
      given_names: 'María José',
      surnames: 'García',
      company: '',
      address_line_1: '',
      address_line_2: '',
      postal_code: '',
      city: '',
      country_code: 'ES',
      mobile_phone: '612 345 678',
    });
    expect(payload.customer.surnames).toBe('García');
  });

  it('is deterministic: same sale, byte-identical JSON, whatever the input key order', () => {
    const first = JSON.stringify(build({ state: 'confirmed', orderRef1: 'T-9' }));
    const reordered = JSON.parse(JSON.stringify(saleCart()), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) as SaleCart;
    const second = JSON.stringify(build({ cart: reordered, state: 'confirmed', orderRef1: 'T-9' }));
    expect(second).toBe(first);
  });

  it('refuses an invalid cart instead of sending it', () => {
    expect(() => build({ cart: saleCart({ discounts: [{ id: 'd', name: 'x', amountCents: 10_000_000 }] }) })).toThrow(
      ZodError,
    );
    expect(() => build({ cart: { lines: [], discounts: [], tillPayments: [] } })).toThrow(ZodError);
  });

  it('refuses a shopper mobile SeQura cannot text', () => {
    expect(() => build({ shopper: shopper({ mobile: '+34912345678' }) })).toThrow(RangeError);
  });
});

describe('withRoundingAdjustment', () => {
  const items: OrderItem[] = [
    {
      type: 'product',
      reference: 'R',
      name: 'N',
      price_with_tax: 333,
      quantity: 3,
      total_with_tax: 999,
      downloadable: false,
    },
  ];

  it('leaves matching items alone', () => {
    expect(withRoundingAdjustment(items, 999, 'es-ES')).toBe(items);
  });

  it('adds a visible handling item when the items fall short, without touching prices', () => {
    const adjusted = withRoundingAdjustment(items, 1_000, 'es-ES');
    expect(adjusted[0]).toEqual(items[0]);
    expect(adjusted[1]).toEqual({
      type: 'handling',
      reference: 'ROUNDING',
      name: 'Ajuste por redondeo',
      total_with_tax: 1,
    });
    expect(itemsTotalWithTax(adjusted)).toBe(1_000);
  });

  it('adds a discount item when the items exceed the total', () => {
    const adjusted = withRoundingAdjustment(items, 998, 'en-GB');
    expect(adjusted[1]).toEqual({
      type: 'discount',
      reference: 'ROUNDING',
      name: 'Rounding adjustment',
      total_with_tax: -1,
    });
    expect(itemsTotalWithTax(adjusted)).toBe(998);
  });
});

describe('buildHandoverUpdate', () => {
  it('ships everything, leaves nothing unshipped and marks the handover time', () => {
    const update = buildHandoverUpdate({
      cart: saleCart(),
      shopper: shopper(),
      context: orderContext(),
      orderRef1: 'BCN-01-T2-000042',
      deliveredAt: '2026-03-15T10:42:00+01:00',
    });
    expect(update.merchant).toEqual({ id: 'pos_merchant', store_ref: 'BCN-01' });
    expect(update.merchant_reference).toEqual({ order_ref_1: 'BCN-01-T2-000042' });
    expect(update.unshipped_cart).toMatchObject({ order_total_with_tax: 0, items: [] });
    expect(update.shipped_cart.items).toEqual(build().cart?.items);
    expect(update.shipped_cart.order_total_with_tax).toBe(70_885);
    expect(update.trackings).toEqual([
      {
        type: 'pickup_store',
        reference: 'BCN-01-T2-000042',
        store_ref: 'BCN-01',
        operator_ref: 'op-17',
        delivered_at: '2026-03-15T10:42:00+01:00',
      },
    ]);
    expect(update.customer?.nin).toBe('23232323T');
  });

  it('refuses a handover time that is not ISO-8601', () => {
    expect(() =>
      buildHandoverUpdate({
        cart: saleCart(),
        shopper: shopper(),
        context: orderContext(),
        orderRef1: 'T-1',
        deliveredAt: '15/03/2026 10:42',
      }),
    ).toThrow(ZodError);
  });
});

describe('buildCancellationUpdate', () => {
  it('empties both carts', () => {
    const update = buildCancellationUpdate({ context: orderContext(), orderRef1: 'BCN-01-T2-000042' });
    const empty = { currency: 'EUR', gift: false, order_total_with_tax: 0, cart_ref: 'BCN-01-T2-000042-1', items: [] };
    expect(update).toEqual({
      merchant: { id: 'pos_merchant', store_ref: 'BCN-01' },
      merchant_reference: { order_ref_1: 'BCN-01-T2-000042' },
      unshipped_cart: empty,
      shipped_cart: empty,
    });
  });
});

describe('returns', () => {
  // Lines 79 900 + 3 × 1 995 = 85 885; discount 5 000; cash 10 000; financed 70 885.
  const returnUpdate = (returned: Parameters<typeof returnTotals>[1], cart = saleCart()) =>
    buildReturnUpdate({ cart, shopper: shopper(), context: orderContext(), orderRef1: 'BCN-01-T2-000042', returned });

  it('without a shopper (after the privacy purge) carries no personal data, and the same carts', () => {
    const returned = { lines: [{ lineId: 'line-2', quantity: 2 }], refunds: [] };
    const withShopper = returnUpdate(returned);
    const purged = buildReturnUpdate({
      cart: saleCart(),
      shopper: null,
      context: orderContext(),
      orderRef1: 'BCN-01-T2-000042',
      returned,
    });
    expect(OrderUpdatePayloadSchema.parse(purged)).toEqual(purged);
    expect(Object.keys(purged).sort()).toEqual(
      ['delivery_method', 'merchant', 'merchant_reference', 'platform', 'shipped_cart', 'unshipped_cart'].sort(),
    );
    const {
      customer: _customer,
      delivery_address: _delivery,
      invoice_address: _invoice,
      ...withoutPerson
    } = withShopper;
    expect(purged).toEqual(withoutPerson);
  });

  it('reduces a line’s quantity for a partial return', () => {
    const update = returnUpdate({ lines: [{ lineId: 'line-2', quantity: 2 }], refunds: [] });
    const products = update.shipped_cart.items.filter((item) => item.type === 'product');
    expect(products).toEqual([
      {
        type: 'product',
        reference: 'SKU-100',
        name: 'Sofá 3 plazas',
        price_with_tax: 79_900,
        quantity: 1,
        total_with_tax: 79_900,
        downloadable: false,
      },
      {
        type: 'product',
        reference: 'SKU-200',
        name: 'Cojín',
        price_with_tax: 1_995,
        quantity: 1,
        total_with_tax: 1_995,
        downloadable: false,
      },
    ]);
    expect(update.shipped_cart.order_total_with_tax).toBe(70_885 - 2 * 1_995);
    expectSumRule(update.shipped_cart);
    expect(update.unshipped_cart).toMatchObject({ order_total_with_tax: 0, items: [] });
    // Discounts and what was paid at the till stay as they were.
    expect(
      update.shipped_cart.items.filter((item) => item.type !== 'product').map((item) => item.total_with_tax),
    ).toEqual([-5_000, -10_000]);
  });

  it('drops a fully returned line and adds refunds as negative other_payment items', () => {
    const update = returnUpdate({
      lines: [{ lineId: 'line-2', quantity: 3 }],
      refunds: [{ id: 'ref-7', amountCents: 1_500 }],
    });
    expect(update.shipped_cart.items.map((item) => ('reference' in item ? item.reference : item.type))).toEqual([
      'SKU-100',
      'disc-1',
      'CASH',
      'r_ref-7',
    ]);
    expect(update.shipped_cart.items.at(-1)).toEqual({
      type: 'other_payment',
      reference: 'r_ref-7',
      name: 'Devolución',
      total_with_tax: -1_500,
    });
    expect(update.shipped_cart.order_total_with_tax).toBe(70_885 - 5_985 - 1_500);
    expectSumRule(update.shipped_cart);
  });

  it('reports the new financed amount before sending', () => {
    expect(
      returnTotals(saleCart(), { lines: [{ lineId: 'line-2', quantity: 1 }], refunds: [{ id: 'a', amountCents: 5 }] }),
    ).toEqual({
      originalFinancedCents: 70_885,
      returnedGoodsCents: 1_995,
      refundsCents: 5,
      newFinancedCents: 68_885,
    });
  });

  it('treats returning everything financed as a cancellation (both carts empty)', () => {
    const update = returnUpdate({ lines: [], refunds: [{ id: 'all', amountCents: 70_885 }] });
    expect(update.shipped_cart).toMatchObject({ order_total_with_tax: 0, items: [] });
    expect(update.unshipped_cart).toMatchObject({ order_total_with_tax: 0, items: [] });
  });

  it('refuses to give back more than SeQura financed, so no cart goes below zero', () => {
    // Returning the sofa (79 900) exceeds the 70 885 financed: the rest was paid in cash at the till.
    const error = catchBuildError(() => returnUpdate({ lines: [{ lineId: 'line-1', quantity: 1 }], refunds: [] }));
    expect(error.code).toBe('return.exceeds_financed');
    expect(error.details).toEqual({ financedCents: 70_885, reductionCents: 79_900 });
    expect(catchBuildError(() => returnUpdate({ lines: [], refunds: [{ id: 'x', amountCents: 70_886 }] })).code).toBe(
      'return.exceeds_financed',
    );
  });

  it('refuses returns that do not match the sale', () => {
    const codeOf = (returned: Parameters<typeof returnTotals>[1]) => catchBuildError(() => returnUpdate(returned)).code;
    expect(codeOf({ lines: [], refunds: [] })).toBe('return.nothing_returned');
    expect(codeOf({ lines: [{ lineId: 'nope', quantity: 1 }], refunds: [] })).toBe('return.unknown_line');
    expect(codeOf({ lines: [{ lineId: 'line-2', quantity: 4 }], refunds: [] })).toBe('return.quantity_exceeds_sold');
    // Two entries for one line add up.
    expect(
      codeOf({
        lines: [
          { lineId: 'line-2', quantity: 2 },
          { lineId: 'line-2', quantity: 2 },
        ],
        refunds: [],
      }),
    ).toBe('return.quantity_exceeds_sold');
    expect(codeOf({ lines: [{ lineId: 'line-2', quantity: 0 }], refunds: [] })).toBe('return.invalid_quantity');
    expect(codeOf({ lines: [{ lineId: 'line-2', quantity: -1 }], refunds: [] })).toBe('return.invalid_quantity');
    expect(codeOf({ lines: [], refunds: [{ id: 'r', amountCents: 0 }] })).toBe('return.invalid_refund');
    expect(codeOf({ lines: [], refunds: [{ id: 'r', amountCents: 10.5 }] })).toBe('return.invalid_refund');
    expect(codeOf({ lines: [], refunds: [{ id: '', amountCents: 10 }] })).toBe('return.invalid_refund');
    expect(
      codeOf({
        lines: [],
        refunds: [
          { id: 'r', amountCents: 10 },
          { id: 'r', amountCents: 20 },
        ],
      }),
    ).toBe('return.duplicate_refund');
  });

  it('uses error codes the UI can translate', () => {
    const error = catchBuildError(() => returnUpdate({ lines: [], refunds: [] }));
    expect(VALIDATION_CODES).toContain(error.code);
  });
});
