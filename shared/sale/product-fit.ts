import type { ProductLimits } from '../ipc/sale-schemas.ts';

// Does any of the merchant's products take this amount? The cart step asks before the shopper's details are
// typed and before any order exists at SeQura; the order's own product list (after POST /orders) stays the
// final word, so an unknown list ("SeQura never answered yet") never blocks a sale.

export type ProductFit =
  | { kind: 'fits' | 'unknown' }
  | { kind: 'above_max'; maxCents: number; product: string }
  | { kind: 'below_min'; minCents: number; product: string }
  | { kind: 'between' };

export function productFit(limits: ProductLimits | null, amountCents: number): ProductFit {
  const products = limits?.products ?? [];
  if (products.length === 0 || amountCents <= 0) return { kind: 'unknown' };
  const fits = products.some(
    (p) =>
      (p.minAmountCents === null || amountCents >= p.minAmountCents) &&
      (p.maxAmountCents === null || amountCents <= p.maxAmountCents),
  );
  if (fits) return { kind: 'fits' };
  const highest = products.reduce((a, b) => ((b.maxAmountCents ?? 0) > (a.maxAmountCents ?? 0) ? b : a));
  if (highest.maxAmountCents !== null && amountCents > highest.maxAmountCents)
    return { kind: 'above_max', maxCents: highest.maxAmountCents, product: highest.title };
  const lowest = products.reduce((a, b) => ((b.minAmountCents ?? 0) < (a.minAmountCents ?? 0) ? b : a));
  if (lowest.minAmountCents !== null && amountCents < lowest.minAmountCents)
    return { kind: 'below_min', minCents: lowest.minAmountCents, product: lowest.title };
  return { kind: 'between' };
}
