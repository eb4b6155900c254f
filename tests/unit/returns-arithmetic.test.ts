import { describe, expect, it } from 'vitest';
import {
  cumulativeReturned,
  effectiveReturns,
  financedAfterReturns,
  previewReturn,
  returnableLines,
} from '../../shared/after-sale/returns.ts';
import { buildReturnUpdate, type OrderContext } from '../../shared/order/build-order-payload.ts';
import type { SaleReturn } from '../../shared/sale/after-sale-record.ts';
import { cartTotals, type SaleCart } from '../../shared/sale/cart.ts';
import type { Shopper } from '../../shared/sale/shopper.ts';

// Return arithmetic as the manager's screen and main both use it (shared/after-sale/returns.ts): whatever is
// picked, the new financed amount is never negative and never above what SeQura financed, and what the screen
// shows is what the update sends.

const CART: SaleCart = {
  lines: [
    { id: 'sofa', reference: 'SKU-1', name: 'Sofá', unitPriceCents: 49_900, quantity: 1 },
    { id: 'cojin', reference: 'SKU-2', name: 'Cojín', unitPriceCents: 1_995, quantity: 3 },
  ],
  discounts: [{ id: 'promo', name: 'Promo', amountCents: 2_000 }],
  tillPayments: [{ id: 'cash', method: 'cash', amountCents: 5_000 }],
};
const FINANCED = cartTotals(CART).financedCents; // 49 900 + 5 985 − 2 000 − 5 000 = 48 885

function previous(overrides: Partial<SaleReturn> & Pick<SaleReturn, 'id' | 'lines' | 'refunds' | 'state'>): SaleReturn {
  return {
    requestId: `req-${overrides.id}`,
    requestedAt: '2026-05-04T10:00:00.000Z',
    authorizedBy: 'M1',
    returnedGoodsCents: 0,
    refundsCents: 0,
    financedBeforeCents: 0,
    financedAfterCents: 0,
    instructionId: `i-${overrides.id}`,
    settledAt: null,
    answer: null,
    ...overrides,
  };
}

describe('return preview', () => {
  it('gives this return’s goods and refunds and the financed amount before and after it', () => {
    const preview = previewReturn(CART, [], {
      lines: [{ lineId: 'cojin', quantity: 2 }],
      refunds: [{ amountCents: 500, reason: 'roce' }],
    });
    expect(preview).toEqual({
      ok: true,
      returnedGoodsCents: 3_990,
      refundsCents: 500,
      financedBeforeCents: FINANCED,
      financedAfterCents: FINANCED - 4_490,
      originalFinancedCents: FINANCED,
    });
  });

  it('counts earlier returns that SeQura has or will have, and ignores refused ones', () => {
    const done = previous({
      id: 'R1',
      lines: [{ lineId: 'cojin', quantity: 1 }],
      refunds: [{ id: 'R1-1', amountCents: 1_000, reason: '' }],
      state: 'done',
    });
    const refused = previous({ id: 'R2', lines: [{ lineId: 'cojin', quantity: 2 }], refunds: [], state: 'refused' });
    expect(effectiveReturns([done, refused])).toEqual([done]);
    expect(financedAfterReturns(CART, [done, refused])).toBe(FINANCED - 1_995 - 1_000);
    expect(returnableLines(CART, [done, refused]).find((l) => l.lineId === 'cojin')).toMatchObject({
      sold: 3,
      returned: 1,
      returnable: 2,
    });

    // Two more cushions: allowed (the refused return never happened at SeQura)…
    const preview = previewReturn(CART, [done, refused], { lines: [{ lineId: 'cojin', quantity: 2 }], refunds: [] });
    expect(preview).toMatchObject({
      ok: true,
      financedBeforeCents: FINANCED - 2_995,
      financedAfterCents: FINANCED - 2_995 - 3_990,
    });
    // …three are not: one already came back.
    expect(
      previewReturn(CART, [done, refused], { lines: [{ lineId: 'cojin', quantity: 3 }], refunds: [] }),
    ).toMatchObject({
      ok: false,
      code: 'return.quantity_exceeds_sold',
    });
  });

  it('refuses anything above what SeQura finances, even when the goods are worth more (the rest is paid back at the till)', () => {
    // The sofa alone (499,00) is more than the financed 488,85: the discount and the cash stay in the cart.
    expect(previewReturn(CART, [], { lines: [{ lineId: 'sofa', quantity: 1 }], refunds: [] })).toMatchObject({
      ok: false,
      code: 'return.exceeds_financed',
    });
    expect(previewReturn(CART, [], { lines: [], refunds: [{ amountCents: FINANCED + 1, reason: '' }] })).toMatchObject({
      ok: false,
      code: 'return.exceeds_financed',
    });
    // Exactly what is financed is allowed, and leaves nothing (SeQura reads it as a cancellation).
    expect(previewReturn(CART, [], { lines: [], refunds: [{ amountCents: FINANCED, reason: '' }] })).toMatchObject({
      ok: true,
      financedAfterCents: 0,
    });
  });

  it('never goes negative and never above the original, whatever is picked (seeded random drafts)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const history: SaleReturn[] = [];
    let accepted = 0;
    for (let round = 0; round < 400; round += 1) {
      const draft = {
        lines:
          random() < 0.6 ? [{ lineId: random() < 0.2 ? 'sofa' : 'cojin', quantity: 1 + Math.floor(random() * 3) }] : [],
        refunds: random() < 0.5 ? [{ amountCents: 1 + Math.floor(random() * 20_000), reason: '' }] : [],
      };
      const preview = previewReturn(
        CART,
        history,
        draft,
        draft.refunds.map((_, i) => `X${round}-${i}`),
      );
      if (!preview.ok) {
        expect(['return.exceeds_financed', 'return.quantity_exceeds_sold', 'return.nothing_returned']).toContain(
          preview.code,
        );
        continue;
      }
      accepted += 1;
      expect(preview.financedAfterCents).toBeGreaterThanOrEqual(0);
      expect(preview.financedAfterCents).toBeLessThanOrEqual(preview.financedBeforeCents);
      expect(preview.financedBeforeCents).toBeLessThanOrEqual(FINANCED);
      expect(preview.financedBeforeCents - preview.financedAfterCents).toBe(
        preview.returnedGoodsCents + preview.refundsCents,
      );
      history.push(
        previous({
          id: `X${round}`,
          lines: draft.lines,
          refunds: draft.refunds.map((r, i) => ({ id: `X${round}-${i}`, amountCents: r.amountCents, reason: '' })),
          state: 'done',
        }),
      );
      // What the screen promised is what the update sends.
      const update = buildReturnUpdate({
        cart: CART,
        shopper: SHOPPER,
        context: CONTEXT,
        orderRef1: 'T-000001',
        returned: cumulativeReturned(history),
      });
      expect(update.shipped_cart.order_total_with_tax).toBe(preview.financedAfterCents);
      expect(financedAfterReturns(CART, history)).toBe(preview.financedAfterCents);
    }
    expect(accepted).toBeGreaterThan(3);
    expect(financedAfterReturns(CART, history)).toBeGreaterThanOrEqual(0);
  });

  it('asks for something to return', () => {
    expect(previewReturn(CART, [], { lines: [{ lineId: 'cojin', quantity: 0 }], refunds: [] })).toMatchObject({
      ok: false,
      code: 'return.nothing_returned',
    });
  });
});

const SHOPPER: Shopper = {
  givenNames: 'Ana',
  firstSurname: 'Ruiz',
  secondSurname: 'Soler',
  nin: '23232323T',
  ninControl: '',
  dateOfBirth: '1985-02-01',
  mobile: '+34612345678',
  email: 'ana@example.es',
  address: null,
};

const CONTEXT: OrderContext = {
  merchantId: 'pos_demo_es',
  storeRef: 'S1',
  tillId: '01',
  operatorRef: 'op',
  saleId: 'sale-1',
  attempt: 1,
  requireNinControl: false,
  usesShippedCart: false,
  languageCode: 'es-ES',
  appVersion: '0.0.0',
  platformUname: 'test',
  ipNumber: '127.0.0.1',
  userAgent: 'test',
};
