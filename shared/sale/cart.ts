import { z } from 'zod';
import { MAX_AMOUNT_CENTS, multiplyCents, sumCents, type Cents } from '../money/cents.ts';
import type { ValidationCode } from './validation-codes.ts';

// The till's cart as the cashier builds it: lines, discounts (typed as positive amounts, sent to SeQura as
// negative `discount` items) and amounts already paid at the till (sent as negative `other_payment` items).
// Main and the renderer validate with the same schema, so every message is a validation code.

export const MAX_CART_LINES = 100;
export const MAX_CART_DISCOUNTS = 20;
export const MAX_TILL_PAYMENTS = 10;
export const MAX_LINE_QUANTITY = 999;

const code = (value: ValidationCode) => ({ error: value });

/** Trimmed, non-empty text of bounded length; a non-string or missing value reads as "required". */
function text(maxLength: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'required' : 'invalid') })
    .trim()
    .min(1, code('required'))
    .max(maxLength, code('too_long'));
}

/** A positive amount the cashier typed, in cents. */
const positiveAmount = z
  .int({ error: (issue) => (issue.input === undefined ? 'required' : 'money.invalid') })
  .min(1, code('money.must_be_positive'))
  .max(MAX_AMOUNT_CENTS, code('money.too_large'));

export const CartLineSchema = z
  .object({
    id: text(64),
    reference: text(64),
    name: text(120),
    unitPriceCents: positiveAmount,
    quantity: z
      .int({ error: (issue) => (issue.input === undefined ? 'required' : 'quantity.invalid') })
      .min(1, code('quantity.invalid'))
      .max(MAX_LINE_QUANTITY, code('quantity.invalid')),
  })
  .strict();

export const CartDiscountSchema = z.object({ id: text(64), name: text(120), amountCents: positiveAmount }).strict();

export const TillPaymentMethodSchema = z.enum(['cash', 'card'], code('invalid'));

export const TillPaymentSchema = z
  .object({ id: text(64), method: TillPaymentMethodSchema, amountCents: positiveAmount })
  .strict();

export type CartLine = z.infer<typeof CartLineSchema>;
export type CartDiscount = z.infer<typeof CartDiscountSchema>;
export type TillPayment = z.infer<typeof TillPaymentSchema>;
export type TillPaymentMethod = z.infer<typeof TillPaymentMethodSchema>;

export interface SaleCart {
  lines: CartLine[];
  discounts: CartDiscount[];
  tillPayments: TillPayment[];
}

export interface CartTotals {
  /** Σ unit price × quantity. */
  linesTotalCents: Cents;
  /** Σ discounts, as a positive amount. */
  discountsCents: Cents;
  /** Σ paid at the till by cash or card, as a positive amount. */
  paidAtTillCents: Cents;
  /** What SeQura finances: lines − discounts − paid at the till. Negative or zero for an invalid cart. */
  financedCents: Cents;
}

export function lineTotalCents(line: Pick<CartLine, 'unitPriceCents' | 'quantity'>): Cents {
  return multiplyCents(line.unitPriceCents, line.quantity);
}

export function cartTotals(cart: SaleCart): CartTotals {
  const linesTotalCents = sumCents(cart.lines.map(lineTotalCents));
  const discountsCents = sumCents(cart.discounts.map((discount) => discount.amountCents));
  const paidAtTillCents = sumCents(cart.tillPayments.map((payment) => payment.amountCents));
  return {
    linesTotalCents,
    discountsCents,
    paidAtTillCents,
    financedCents: linesTotalCents - discountsCents - paidAtTillCents,
  };
}

const isAmount = (value: unknown): boolean =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_AMOUNT_CENTS;
const isQuantity = (value: unknown): boolean =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_LINE_QUANTITY;

export const SaleCartSchema = z
  .object({
    lines: z.array(CartLineSchema, code('required')).min(1, code('cart.empty')).max(MAX_CART_LINES, code('too_many')),
    discounts: z.array(CartDiscountSchema, code('required')).max(MAX_CART_DISCOUNTS, code('too_many')),
    tillPayments: z.array(TillPaymentSchema, code('required')).max(MAX_TILL_PAYMENTS, code('too_many')),
  })
  .strict()
  .superRefine((cart, ctx) => {
    // Runs even when a field has a non-fatal issue (zod only skips refinements after type errors), so the
    // sums below only run once every amount and quantity is known to be in range.
    const amountsOk =
      cart.lines.every((line) => isAmount(line.unitPriceCents) && isQuantity(line.quantity)) &&
      cart.discounts.every((discount) => isAmount(discount.amountCents)) &&
      cart.tillPayments.every((payment) => isAmount(payment.amountCents));

    // Ids must be unique across the whole cart: returns and edits address entries by id.
    const seen = new Set<string>();
    const groups = [
      ['lines', cart.lines],
      ['discounts', cart.discounts],
      ['tillPayments', cart.tillPayments],
    ] as const;
    for (const [key, entries] of groups) {
      entries.forEach((entry, index) => {
        if (seen.has(entry.id))
          ctx.addIssue({ code: 'custom', message: 'cart.duplicate_id', path: [key, index, 'id'] });
        seen.add(entry.id);
      });
    }

    if (cart.lines.length === 0 || !amountsOk) return;
    const totals = cartTotals(cart);
    if (totals.discountsCents > totals.linesTotalCents) {
      ctx.addIssue({ code: 'custom', message: 'cart.discount_exceeds_total', path: ['discounts'] });
    } else if (totals.financedCents <= 0) {
      // Point at what the cashier has to change: the till payments if any, else the discounts equal to the total.
      const path = totals.paidAtTillCents > 0 ? ['tillPayments'] : ['discounts'];
      ctx.addIssue({ code: 'custom', message: 'cart.nothing_to_finance', path });
    }
  }) satisfies z.ZodType<SaleCart>;

export function emptySaleCart(): SaleCart {
  return { lines: [], discounts: [], tillPayments: [] };
}
