import { describe, expect, it } from 'vitest';
import { cartTotals, emptySaleCart, SaleCartSchema, type SaleCart } from '../../../shared/sale/cart.ts';
import { fieldErrors } from '../../../shared/sale/validation-codes.ts';

function cart(overrides: Partial<SaleCart> = {}): SaleCart {
  return {
    lines: [
      { id: 'l1', reference: 'SKU-1', name: 'Sofá', unitPriceCents: 49_999, quantity: 1 },
      { id: 'l2', reference: 'SKU-2', name: 'Cojín', unitPriceCents: 1_250, quantity: 4 },
    ],
    discounts: [],
    tillPayments: [],
    ...overrides,
  };
}

function errorsFor(value: unknown) {
  const result = SaleCartSchema.safeParse(value);
  return result.success ? {} : fieldErrors(result.error);
}

describe('cartTotals', () => {
  it('adds lines, subtracts discounts and what was paid at the till', () => {
    const totals = cartTotals(
      cart({
        discounts: [{ id: 'd1', name: 'Promo', amountCents: 2_000 }],
        tillPayments: [
          { id: 'p1', method: 'cash', amountCents: 5_000 },
          { id: 'p2', method: 'card', amountCents: 999 },
        ],
      }),
    );
    expect(totals).toEqual({
      linesTotalCents: 54_999,
      discountsCents: 2_000,
      paidAtTillCents: 5_999,
      financedCents: 47_000,
    });
  });

  it('is exact where floats are not (3 × 0,10 €)', () => {
    const totals = cartTotals(
      cart({ lines: [{ id: 'l', reference: 'r', name: 'n', unitPriceCents: 10, quantity: 3 }] }),
    );
    expect(totals.linesTotalCents).toBe(30);
  });
});

describe('SaleCartSchema', () => {
  it('accepts a cart with discounts and part payments', () => {
    const value = cart({
      discounts: [{ id: 'd1', name: 'Promo', amountCents: 1 }],
      tillPayments: [{ id: 'p1', method: 'card', amountCents: 100 }],
    });
    expect(SaleCartSchema.parse(value)).toEqual(value);
  });

  it('trims text fields', () => {
    const parsed = SaleCartSchema.parse(
      cart({ lines: [{ id: 'l1', reference: ' SKU ', name: ' Mesa ', unitPriceCents: 100, quantity: 1 }] }),
    );
    expect(parsed.lines[0]).toMatchObject({ reference: 'SKU', name: 'Mesa' });
  });

  it('needs at least one line', () => {
    expect(errorsFor(emptySaleCart())).toEqual({ lines: 'cart.empty' });
  });

  it('refuses discounts above the lines total', () => {
    expect(errorsFor(cart({ discounts: [{ id: 'd1', name: 'Too much', amountCents: 55_000 }] }))).toEqual({
      discounts: 'cart.discount_exceeds_total',
    });
  });

  it('refuses a cart with nothing left to finance', () => {
    expect(errorsFor(cart({ tillPayments: [{ id: 'p1', method: 'cash', amountCents: 54_999 }] }))).toEqual({
      tillPayments: 'cart.nothing_to_finance',
    });
    expect(errorsFor(cart({ discounts: [{ id: 'd1', name: 'All', amountCents: 54_999 }] }))).toEqual({
      discounts: 'cart.nothing_to_finance',
    });
    expect(errorsFor(cart({ tillPayments: [{ id: 'p1', method: 'cash', amountCents: 54_998 }] }))).toEqual({});
  });

  it('validates line amounts and quantities with codes', () => {
    const line = { id: 'l1', reference: 'R', name: 'N', unitPriceCents: 100, quantity: 1 };
    expect(errorsFor(cart({ lines: [{ ...line, quantity: 0 }] }))).toEqual({ 'lines.0.quantity': 'quantity.invalid' });
    expect(errorsFor(cart({ lines: [{ ...line, quantity: 1000 }] }))).toEqual({
      'lines.0.quantity': 'quantity.invalid',
    });
    expect(errorsFor(cart({ lines: [{ ...line, quantity: 1.5 }] }))).toEqual({
      'lines.0.quantity': 'quantity.invalid',
    });
    expect(errorsFor(cart({ lines: [{ ...line, unitPriceCents: 0 }] }))).toEqual({
      'lines.0.unitPriceCents': 'money.must_be_positive',
    });
    expect(errorsFor(cart({ lines: [{ ...line, unitPriceCents: 12.5 }] }))).toEqual({
      'lines.0.unitPriceCents': 'money.invalid',
    });
    expect(errorsFor(cart({ lines: [{ ...line, unitPriceCents: 1_000_000_000 }] }))).toEqual({
      'lines.0.unitPriceCents': 'money.too_large',
    });
    expect(errorsFor(cart({ discounts: [{ id: 'd', name: 'x', amountCents: -5 }] }))).toEqual({
      'discounts.0.amountCents': 'money.must_be_positive',
    });
  });

  it('bounds text lengths and list sizes', () => {
    const line = { id: 'l1', reference: 'R', name: 'N', unitPriceCents: 100, quantity: 1 };
    expect(errorsFor(cart({ lines: [{ ...line, reference: 'r'.repeat(65) }] }))).toEqual({
      'lines.0.reference': 'too_long',
    });
    expect(errorsFor(cart({ lines: [{ ...line, name: 'n'.repeat(121) }] }))).toEqual({ 'lines.0.name': 'too_long' });
    expect(errorsFor(cart({ lines: [{ ...line, name: '   ' }] }))).toEqual({ 'lines.0.name': 'required' });
    expect(errorsFor(cart({ lines: [{ ...line, id: 'i'.repeat(65) }] }))).toEqual({ 'lines.0.id': 'too_long' });
    const many = Array.from({ length: 101 }, (_, index) => ({ ...line, id: `l${index}` }));
    expect(errorsFor(cart({ lines: many }))).toEqual({ lines: 'too_many' });
    const payments = Array.from({ length: 11 }, (_, index) => ({
      id: `p${index}`,
      method: 'cash' as const,
      amountCents: 1,
    }));
    expect(errorsFor(cart({ tillPayments: payments }))).toEqual({ tillPayments: 'too_many' });
  });

  it('refuses duplicate ids, unknown fields and unknown payment methods', () => {
    const line = { id: 'same', reference: 'R', name: 'N', unitPriceCents: 100, quantity: 1 };
    expect(errorsFor(cart({ lines: [line, line] }))).toEqual({ 'lines.1.id': 'cart.duplicate_id' });
    expect(errorsFor(cart({ lines: [{ ...line, colour: 'red' } as never] }))).toEqual({
      'lines.0.colour': 'unexpected_field',
    });
    expect(errorsFor(cart({ tillPayments: [{ id: 'p', method: 'cheque' as never, amountCents: 1 }] }))).toEqual({
      'tillPayments.0.method': 'invalid',
    });
  });

  it('does not compute totals from invalid entries', () => {
    // A negative discount would otherwise raise the total; here it must only be reported as invalid.
    expect(
      errorsFor(
        cart({
          lines: [{ id: 'l', reference: 'r', name: 'n', unitPriceCents: 100, quantity: 1 }],
          discounts: [{ id: 'd', name: 'x', amountCents: 0 }],
        }),
      ),
    ).toEqual({
      'discounts.0.amountCents': 'money.must_be_positive',
    });
  });
});
