import {
  OrderBuildError,
  returnTotals,
  type OrderBuildErrorCode,
  type ReturnedGoods,
} from '../order/build-order-payload.ts';
import { multiplyCents, sumCents, type Cents } from '../money/cents.ts';
import { cartTotals, type SaleCart } from '../sale/cart.ts';
import type { SaleReturn } from '../sale/after-sale-record.ts';

// Return arithmetic shared by main (which decides) and the renderer (which shows the manager the new total
// while items are picked). Both call the same `returnTotals`, so what the screen promises is what is sent.
//
// Each order update replaces SeQura's shipped cart as a whole, so a return is always sent as the sum of every
// return that counts so far plus the new one ("cumulative").

/** What the manager picks for one return: units per line and refunds without goods. */
export interface ReturnDraft {
  lines: { lineId: string; quantity: number }[];
  refunds: { amountCents: Cents; reason: string }[];
}

/**
 * Returns that count at SeQura: sent or waiting in the outbox to be sent. A refused one (409/404) or one the
 * outbox gave up on never changed SeQura's order, so it is left out of what later updates carry.
 */
export function effectiveReturns(returns: readonly SaleReturn[] | undefined): SaleReturn[] {
  return (returns ?? []).filter((r) => r.state === 'pending' || r.state === 'done');
}

/** Every return that counts, plus an optional new one, as the builder's cumulative `returned`. */
export function cumulativeReturned(previous: readonly SaleReturn[], next?: ReturnedGoods): ReturnedGoods {
  const counted = effectiveReturns(previous);
  return {
    lines: [...counted.flatMap((r) => r.lines), ...(next?.lines ?? [])].map(({ lineId, quantity }) => ({
      lineId,
      quantity,
    })),
    refunds: [...counted.flatMap((r) => r.refunds), ...(next?.refunds ?? [])].map(({ id, amountCents }) => ({
      id,
      amountCents,
    })),
  };
}

/** What SeQura finances now, after the returns that count (the whole cart when none). */
export function financedAfterReturns(cart: SaleCart, returns: readonly SaleReturn[] | undefined): Cents {
  const counted = effectiveReturns(returns);
  if (counted.length === 0) return cartTotals(cart).financedCents;
  return returnTotals(cart, cumulativeReturned(counted)).newFinancedCents;
}

export interface ReturnableLine {
  lineId: string;
  reference: string;
  name: string;
  unitPriceCents: Cents;
  sold: number;
  /** Units already returned (returns that count). */
  returned: number;
  /** What can still come back. */
  returnable: number;
}

export function returnableLines(cart: SaleCart, returns: readonly SaleReturn[] | undefined): ReturnableLine[] {
  const returned = new Map<string, number>();
  for (const line of effectiveReturns(returns).flatMap((r) => r.lines))
    returned.set(line.lineId, (returned.get(line.lineId) ?? 0) + line.quantity);
  return cart.lines.map((line) => {
    const back = returned.get(line.id) ?? 0;
    return {
      lineId: line.id,
      reference: line.reference,
      name: line.name,
      unitPriceCents: line.unitPriceCents,
      sold: line.quantity,
      returned: back,
      returnable: Math.max(0, line.quantity - back),
    };
  });
}

export type ReturnPreview =
  | {
      ok: true;
      /** This return alone. */
      returnedGoodsCents: Cents;
      refundsCents: Cents;
      /** Financed before this return (after earlier ones) and after it: never negative, never above the original. */
      financedBeforeCents: Cents;
      financedAfterCents: Cents;
      originalFinancedCents: Cents;
    }
  | { ok: false; code: OrderBuildErrorCode; details: Readonly<Record<string, string | number>> };

/**
 * The effect of `draft` on top of earlier returns. Refund ids are only needed for uniqueness here; main
 * assigns the real ones (`R2-1`…) when the return is recorded.
 */
export function previewReturn(
  cart: SaleCart,
  previous: readonly SaleReturn[] | undefined,
  draft: ReturnDraft,
  refundIds?: string[],
): ReturnPreview {
  const lines = draft.lines.filter((line) => line.quantity !== 0);
  const refunds = draft.refunds.map((refund, index) => ({
    id: refundIds?.[index] ?? `new-${index + 1}`,
    amountCents: refund.amountCents,
  }));
  try {
    if (lines.length === 0 && refunds.length === 0) throw new OrderBuildError('return.nothing_returned');
    const counted = effectiveReturns(previous);
    const financedBeforeCents = financedAfterReturns(cart, counted);
    const after = returnTotals(cart, cumulativeReturned(counted, { lines, refunds }));
    const prices = new Map(cart.lines.map((line) => [line.id, line.unitPriceCents]));
    return {
      ok: true,
      // Every line id and quantity was checked by returnTotals above.
      returnedGoodsCents: sumCents(lines.map((line) => multiplyCents(prices.get(line.lineId)!, line.quantity))),
      refundsCents: sumCents(refunds.map((refund) => refund.amountCents)),
      financedBeforeCents,
      financedAfterCents: after.newFinancedCents,
      originalFinancedCents: after.originalFinancedCents,
    };
  } catch (error) {
    if (error instanceof OrderBuildError) return { ok: false, code: error.code, details: error.details };
    throw error;
  }
}
