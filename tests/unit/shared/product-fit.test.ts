import { describe, expect, it } from 'vitest';
import { productFit } from '../../../shared/sale/product-fit.ts';

const limits = {
  fetchedAt: '2026-01-01T00:00:00.000Z',
  products: [
    { product: 'i1', campaign: null, title: 'Paga Después', minAmountCents: 0, maxAmountCents: 150_000 },
    { product: 'sp1', campaign: null, title: 'Divide en 3', minAmountCents: 3_000, maxAmountCents: 200_000 },
    { product: 'pp3', campaign: null, title: 'Paga Fraccionado', minAmountCents: 5_000, maxAmountCents: 300_000 },
  ],
};

describe('productFit', () => {
  it('fits when any product takes the amount', () => {
    expect(productFit(limits, 250_000).kind).toBe('fits');
  });
  it('names the highest maximum when the amount is above every product', () => {
    expect(productFit(limits, 100_139_889)).toEqual({
      kind: 'above_max',
      maxCents: 300_000,
      product: 'Paga Fraccionado',
    });
  });
  it('names the lowest minimum when the amount is below every product', () => {
    const onlyBig = { ...limits, products: limits.products.slice(1) };
    expect(productFit(onlyBig, 1_000)).toEqual({ kind: 'below_min', minCents: 3_000, product: 'Divide en 3' });
  });
  it('reports a gap between products', () => {
    const gap = {
      ...limits,
      products: [
        { product: 'a', campaign: null, title: 'A', minAmountCents: 0, maxAmountCents: 1_000 },
        { product: 'b', campaign: null, title: 'B', minAmountCents: 5_000, maxAmountCents: 9_000 },
      ],
    };
    expect(productFit(gap, 3_000).kind).toBe('between');
  });
  it('never blocks when the limits are unknown', () => {
    expect(productFit(null, 100_139_889).kind).toBe('unknown');
    expect(productFit({ ...limits, products: [] }, 100).kind).toBe('unknown');
  });
});
