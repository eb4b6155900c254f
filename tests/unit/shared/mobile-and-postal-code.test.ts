import { describe, expect, it } from 'vitest';
import {
  formatMobileForSeQura,
  maskMobile,
  normalizeSpanishMobile,
  validateSpanishMobile,
} from '../../../shared/spain/mobile.ts';
import { isValidSpanishPostalCode, normalizePostalCode } from '../../../shared/spain/postal-code.ts';

describe('Spanish mobile numbers', () => {
  it.each([
    '612345678',
    '712345678',
    '+34612345678',
    '0034612345678',
    '+34 612 34 56 78',
    '612-345-678',
    '612.345.678',
    ' 612 345 678 ',
    '+34 (612) 345 678',
  ])('accepts %j', (input) => {
    expect(normalizeSpanishMobile(input)).toBe(input.includes('712') ? '+34712345678' : '+34612345678');
  });

  it.each(['912345678', '+34 912 345 678', '812345678'])('rejects the landline %j', (input) => {
    expect(validateSpanishMobile(input)).toEqual({ ok: false, code: 'mobile.landline' });
    expect(normalizeSpanishMobile(input)).toBeNull();
  });

  it.each(['+447911123456', '00447911123456', '+351912345678', '+33612345678'])(
    'rejects the foreign number %j',
    (input) => {
      expect(validateSpanishMobile(input)).toEqual({ ok: false, code: 'mobile.not_spanish_mobile' });
    },
  );

  it.each(['', '61234567', '6123456789', '+3461234567', '34612345678', '612a45678', '512345678', '+34'])(
    'rejects the malformed %j',
    (input) => {
      expect(validateSpanishMobile(input)).toEqual({ ok: false, code: 'mobile.invalid' });
    },
  );

  it('formats for SeQura as in its examples', () => {
    expect(formatMobileForSeQura('+34612345678')).toBe('612 345 678');
    expect(formatMobileForSeQura('0034 615-615-615')).toBe('615 615 615');
    expect(() => formatMobileForSeQura('912345678')).toThrow(RangeError);
  });

  it('masks all but the last four digits, one style for a typed, a purged or a last-four number', () => {
    expect(maskMobile('+34612345678')).toBe('\u00B7\u00B7\u00B7\u00B7 5678');
    expect(maskMobile('615 615 615')).toBe('···· 5615');
    expect(maskMobile('*****5678')).toBe('···· 5678');
    expect(maskMobile('5678')).toBe('···· 5678');
    // Even an invalid number is not shown in full.
    expect(maskMobile('12')).toBe('···· ····');
    expect(maskMobile('+44 7911 123456')).toBe('···· 3456');
  });
});

describe('Spanish postal codes', () => {
  it.each(['01001', '08013', '28001', '50001', '51001', '52001', ' 08 013 '])('accepts %j', (input) => {
    expect(isValidSpanishPostalCode(input)).toBe(true);
  });

  it.each(['00123', '53001', '99999', '8013', '080130', 'ABCDE', ''])('rejects %j', (input) => {
    expect(isValidSpanishPostalCode(input)).toBe(false);
  });

  it('keeps the leading zero', () => {
    expect(normalizePostalCode(' 08013 ')).toBe('08013');
  });
});
