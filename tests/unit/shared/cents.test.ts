import { describe, expect, it } from 'vitest';
import {
  CentsSchema,
  formatCentsAsEuroInput,
  MAX_AMOUNT_CENTS,
  multiplyCents,
  parseEuroInput,
  percentOfCents,
  sumCents,
} from '../../../shared/money/cents.ts';

describe('parseEuroInput', () => {
  it.each([
    ['12,50', 1250],
    ['12.50', 1250],
    ['12', 1200],
    ['12,5', 1250],
    ['0,05', 5],
    ['0', 0],
    ['  7,99 € ', 799],
    ['€3', 300],
    ['1.234,56', 123456],
    ['1.234.567,89', 123456789],
    ['0019,90', 1990],
  ] as const)('reads %s as %i cents', (input, cents) => {
    expect(parseEuroInput(input)).toEqual({ ok: true, cents });
  });

  it('never goes through floats: 0,29 and 1,15 are exact', () => {
    // 0.29 * 100 === 28.999999999999996 and 1.15 * 100 === 114.99999999999999 in floating point.
    expect(parseEuroInput('0,29')).toEqual({ ok: true, cents: 29 });
    expect(parseEuroInput('1,15')).toEqual({ ok: true, cents: 115 });
  });

  it.each(['12,505', '0,001', '1.234'])('rejects more than two decimals in %s', (input) => {
    expect(parseEuroInput(input)).toEqual({ ok: false, code: 'money.too_many_decimals' });
  });

  it.each(['-5', '-0,50', ' -1'])('rejects the negative %s', (input) => {
    expect(parseEuroInput(input)).toEqual({ ok: false, code: 'money.negative' });
  });

  it.each(['', 'abc', '12,', ',50', '1,2,3', '12 50', '1e3', '12,5a', 'NaN', '1,234.56', '0x10'])(
    'rejects garbage %j',
    (input) => {
      expect(parseEuroInput(input)).toEqual({ ok: false, code: 'money.invalid' });
    },
  );

  it('rejects amounts above the till maximum', () => {
    expect(parseEuroInput('9999999,99')).toEqual({ ok: true, cents: MAX_AMOUNT_CENTS });
    expect(parseEuroInput('10000000')).toEqual({ ok: false, code: 'money.too_large' });
    expect(parseEuroInput('12.345.678,90')).toEqual({ ok: false, code: 'money.too_large' });
    expect(parseEuroInput('99999999999999999999')).toEqual({ ok: false, code: 'money.too_large' });
  });

  it('round-trips with formatCentsAsEuroInput', () => {
    for (const cents of [0, 5, 99, 100, 1250, 123456]) {
      expect(parseEuroInput(formatCentsAsEuroInput(cents))).toEqual({ ok: true, cents });
    }
    expect(formatCentsAsEuroInput(-5)).toBe('-0,05');
  });
});

describe('sumCents and multiplyCents', () => {
  it('adds integer cents exactly', () => {
    expect(sumCents([])).toBe(0);
    expect(sumCents([10, 20, -5])).toBe(25);
    // The classic float trap: 0.1 + 0.2 euros.
    expect(sumCents([10, 20])).toBe(30);
  });

  it('refuses non-integers and overflow instead of losing a cent', () => {
    expect(() => sumCents([1.5])).toThrow(RangeError);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
    expect(() => multiplyCents(199, 1.5)).toThrow(RangeError);
    expect(() => multiplyCents(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
  });

  it('multiplies unit price by quantity', () => {
    expect(multiplyCents(1999, 3)).toBe(5997);
    expect(multiplyCents(1, 999)).toBe(999);
  });
});

describe('percentOfCents', () => {
  it('rounds half up to the cent', () => {
    expect(percentOfCents(5, 10)).toBe(1); // 0.5 → 1
    expect(percentOfCents(4, 10)).toBe(0); // 0.4 → 0
    expect(percentOfCents(15, 10)).toBe(2); // 1.5 → 2
    expect(percentOfCents(1999, 21)).toBe(420); // 419.79 → 420
    expect(percentOfCents(1000, 12.5)).toBe(125);
    expect(percentOfCents(333, 33.33)).toBe(111); // 110.9889 → 111
  });

  it('handles the edges', () => {
    expect(percentOfCents(0, 50)).toBe(0);
    expect(percentOfCents(12345, 0)).toBe(0);
    expect(percentOfCents(12345, 100)).toBe(12345);
    expect(percentOfCents(Number.MAX_SAFE_INTEGER, 100)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses inputs it cannot compute exactly', () => {
    expect(() => percentOfCents(-100, 10)).toThrow(RangeError);
    expect(() => percentOfCents(100, 10.125)).toThrow(RangeError);
    expect(() => percentOfCents(100, -1)).toThrow(RangeError);
    expect(() => percentOfCents(1.5, 10)).toThrow(RangeError);
  });
});

describe('CentsSchema', () => {
  it('accepts safe integers only', () => {
    expect(CentsSchema.safeParse(-250).success).toBe(true);
    expect(CentsSchema.safeParse(12.5).success).toBe(false);
    expect(CentsSchema.safeParse(2 ** 60).success).toBe(false);
    expect(CentsSchema.safeParse('100').success).toBe(false);
  });
});
