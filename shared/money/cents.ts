import { z } from 'zod';

// Money is always an integer number of euro cents. SeQura's API takes integer cents (sequra-api.md §3, "21.35€ → 2135"),
// and floats would make `Σ items == order_total_with_tax` fail by a cent at random, so nothing here ever
// multiplies or divides a float amount.

/** An integer amount of euro cents (may be negative for discounts/payments sent to SeQura). */
export type Cents = number;

/** A safe integer: anything larger cannot be added exactly. */
export const CentsSchema = z.int({ error: 'money.invalid' });

function assertCents(value: number, what: string): void {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${what} must be a safe integer number of cents, got ${value}`);
}

/** Exact sum of cent amounts; throws if an input or the result is not a safe integer. */
export function sumCents(amounts: readonly Cents[]): Cents {
  let total = 0;
  for (const amount of amounts) {
    assertCents(amount, 'amount');
    total += amount;
    assertCents(total, 'sum');
  }
  return total;
}

/** unitCents × quantity, exact; throws on non-integer input or overflow. */
export function multiplyCents(unitCents: Cents, quantity: number): Cents {
  assertCents(unitCents, 'unitCents');
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be an integer, got ${quantity}`);
  const product = unitCents * quantity;
  assertCents(product, 'product');
  return product;
}

/**
 * `percent`% of a non-negative amount, rounded half up to the cent (10% of 5 cents = 0.5 → 1 cent).
 * The percentage may have up to two decimals (e.g. 10.5); it is turned into integer basis points and the
 * arithmetic runs on BigInt, so no float ever touches the amount.
 */
export function percentOfCents(cents: Cents, percent: number): Cents {
  assertCents(cents, 'cents');
  if (cents < 0) throw new RangeError('percentOfCents takes a non-negative amount');
  const basisPoints = Math.round(percent * 100);
  if (!Number.isFinite(percent) || percent < 0 || Math.abs(basisPoints - percent * 100) > 1e-6) {
    throw new RangeError(`percent must be a non-negative number with at most 2 decimals, got ${percent}`);
  }
  const scaled = BigInt(cents) * BigInt(basisPoints);
  const divisor = 10_000n;
  const rounded = (scaled * 2n + divisor) / (divisor * 2n); // floor(x + 0.5) for x ≥ 0
  const result = Number(rounded);
  assertCents(result, 'result');
  return result;
}

export type EuroInputError = 'money.invalid' | 'money.negative' | 'money.too_many_decimals' | 'money.too_large';
export type EuroInputResult = { ok: true; cents: Cents } | { ok: false; code: EuroInputError };

/**
 * Largest single amount the till accepts: 9.999.999,99 €, far above any SeQura financing limit, and small enough
 * that 100 lines × 999 units of it still add up exactly (< Number.MAX_SAFE_INTEGER).
 */
export const MAX_AMOUNT_CENTS: Cents = 999_999_999;

const PLAIN_AMOUNT = /^(\d+)(?:[.,](\d+))?$/;
// Spanish grouping "1.234,50": only accepted with a decimal comma, otherwise "1.234" is ambiguous (1,234 € or 1234 €)
// and is reported as too many decimals rather than guessed.
const GROUPED_AMOUNT = /^(\d{1,3}(?:\.\d{3})+),(\d+)$/;

/**
 * Parses what a cashier types for an amount: "12,50", "12.50", "12", "1.234,50", optionally with a "€".
 * Never uses parseFloat: integer and decimal digits are read separately.
 */
export function parseEuroInput(raw: string): EuroInputResult {
  const text = raw.trim().replace(/\s*€$/, '').replace(/^€\s*/, '').trim();
  if (text.startsWith('-')) return { ok: false, code: 'money.negative' };
  let integerDigits: string;
  let decimalDigits: string;
  const grouped = GROUPED_AMOUNT.exec(text);
  const plain = PLAIN_AMOUNT.exec(text);
  if (grouped) {
    integerDigits = (grouped[1] ?? '').replaceAll('.', '');
    decimalDigits = grouped[2] ?? '';
  } else if (plain) {
    integerDigits = plain[1] ?? '';
    decimalDigits = plain[2] ?? '';
  } else {
    return { ok: false, code: 'money.invalid' };
  }
  if (decimalDigits.length > 2) return { ok: false, code: 'money.too_many_decimals' };
  const significant = integerDigits.replace(/^0+(?=\d)/, '');
  if (significant.length > 9) return { ok: false, code: 'money.too_large' };
  const cents = Number(significant) * 100 + Number(decimalDigits.padEnd(2, '0'));
  if (cents > MAX_AMOUNT_CENTS) return { ok: false, code: 'money.too_large' };
  return { ok: true, cents };
}

/** Cents → what the cashier would type back: 1250 → "12,50", -5 → "-0,05". */
export function formatCentsAsEuroInput(cents: Cents): string {
  assertCents(cents, 'cents');
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  return `${sign}${Math.trunc(magnitude / 100)},${String(magnitude % 100).padStart(2, '0')}`;
}
