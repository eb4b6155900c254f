import { describe, expect, it } from 'vitest';
import { isValidNin, ninControlLetter, normalizeNin, validateNin } from '../../../shared/spain/nin.ts';

describe('validateNin', () => {
  it.each([
    ['23232323T', 'dni'], // SeQura sandbox test shopper
    ['46923652H', 'dni'], // SeQura docs
    ['00000000T', 'dni'],
    ['X1234567L', 'nie'],
    ['Y1234567X', 'nie'],
    ['Z1234567R', 'nie'],
  ] as const)('accepts %s as a %s', (nin, kind) => {
    expect(validateNin(nin)).toEqual({ ok: true, nin, kind });
  });

  it('rejects the docs sample 13003009L: its control letter is M', () => {
    expect(validateNin('13003009L')).toEqual({ ok: false, code: 'nin.letter', normalized: '13003009L' });
    expect(validateNin('13003009M').ok).toBe(true);
  });

  it('reports a wrong control letter on a NIE', () => {
    expect(validateNin('X1234567T')).toMatchObject({ ok: false, code: 'nin.letter' });
  });

  it.each([
    '',
    '1234567T',
    '123456789T',
    '23232323',
    'T23232323',
    'A1234567L',
    'X12345678L',
    '2323232ÑT',
    '23232323TT',
  ])('reports a format error for %j', (nin) => {
    expect(validateNin(nin)).toMatchObject({ ok: false, code: 'nin.format' });
  });

  it('normalizes case, spaces, dots and dashes', () => {
    expect(normalizeNin(' 23.232.323-t ')).toBe('23232323T');
    expect(validateNin('x-1234567-l')).toEqual({ ok: true, nin: 'X1234567L', kind: 'nie' });
    expect(validateNin('23 232 323 t')).toEqual({ ok: true, nin: '23232323T', kind: 'dni' });
    expect(isValidNin('46923652h')).toBe(true);
  });

  it('computes control letters from n mod 23', () => {
    expect(ninControlLetter('00000000')).toBe('T');
    expect(ninControlLetter('00000022')).toBe('E');
    expect(ninControlLetter('00000023')).toBe('T');
  });
});
