import { describe, expect, it } from 'vitest';
import {
  ageInYears,
  emptyShopperDraft,
  makeShopperSchema,
  parseIsoDate,
  type ShopperDraft,
} from '../../../shared/sale/shopper.ts';
import { fieldErrors } from '../../../shared/sale/validation-codes.ts';

const TODAY = '2026-03-15';

function validDraft(overrides: Partial<ShopperDraft> = {}): ShopperDraft {
  return {
    givenNames: 'María José',
    firstSurname: 'García',
    secondSurname: 'Pérez',
    nin: '23232323T',
    ninControl: '',
    dateOfBirth: '1990-05-20',
    mobile: '612 345 678',
    email: 'maria@example.es',
    address: null,
    ...overrides,
  };
}

function errorsFor(draft: unknown, options = { today: TODAY, requireNinControl: false }) {
  const result = makeShopperSchema(options).safeParse(draft);
  return result.success ? {} : fieldErrors(result.error);
}

describe('shopper schema', () => {
  it('accepts a valid shopper and normalizes it', () => {
    const result = makeShopperSchema({ today: TODAY, requireNinControl: true }).parse(
      validDraft({
        givenNames: '  María   José ',
        nin: ' 23.232.323-t ',
        ninControl: 'abc 123 456',
        mobile: '+34 612-345-678',
        email: ' maria@example.es ',
        address: { line1: ' C/ Mayor, 1 ', line2: '', postalCode: ' 08013 ', city: 'Barcelona' },
      }),
    );
    expect(result).toEqual({
      givenNames: 'María José',
      firstSurname: 'García',
      secondSurname: 'Pérez',
      nin: '23232323T',
      ninControl: 'ABC123456',
      dateOfBirth: '1990-05-20',
      mobile: '+34612345678',
      email: 'maria@example.es',
      address: { line1: 'C/ Mayor, 1', line2: '', postalCode: '08013', city: 'Barcelona' },
    });
  });

  it('reports every missing field of an empty draft as a code', () => {
    expect(errorsFor(emptyShopperDraft(), { today: TODAY, requireNinControl: true })).toEqual({
      givenNames: 'required',
      firstSurname: 'required',
      nin: 'required',
      ninControl: 'nin_control.required',
      dateOfBirth: 'required',
      mobile: 'required',
      email: 'required',
    });
  });

  it('requires nin_control only when the store does', () => {
    expect(errorsFor(validDraft(), { today: TODAY, requireNinControl: true })).toEqual({
      ninControl: 'nin_control.required',
    });
    expect(errorsFor(validDraft(), { today: TODAY, requireNinControl: false })).toEqual({});
    expect(errorsFor(validDraft({ ninControl: 'a!' }))).toEqual({ ninControl: 'nin_control.format' });
  });

  it('reports NIN format and letter errors separately', () => {
    expect(errorsFor(validDraft({ nin: '2323232T' }))).toEqual({ nin: 'nin.format' });
    expect(errorsFor(validDraft({ nin: '13003009L' }))).toEqual({ nin: 'nin.letter' });
  });

  it('needs both surnames for a DNI but not for a NIE', () => {
    expect(errorsFor(validDraft({ secondSurname: '' }))).toEqual({ secondSurname: 'second_surname.required_for_dni' });
    expect(errorsFor(validDraft({ secondSurname: '  ', nin: 'X1234567L' }))).toEqual({});
    // A bad NIN is reported alone: the surname rule depends on knowing what kind of NIN it is.
    expect(errorsFor(validDraft({ secondSurname: '', nin: 'nope' }))).toEqual({ nin: 'nin.format' });
  });

  it('rejects names with digits or without letters, and overlong ones', () => {
    expect(errorsFor(validDraft({ givenNames: 'R2D2' }))).toEqual({ givenNames: 'name.invalid' });
    expect(errorsFor(validDraft({ firstSurname: "--'" }))).toEqual({ firstSurname: 'name.invalid' });
    expect(errorsFor(validDraft({ firstSurname: "O'Neill-Núñez" }))).toEqual({});
    expect(errorsFor(validDraft({ givenNames: 'a'.repeat(101) }))).toEqual({ givenNames: 'too_long' });
  });

  it('reports mobile problems by kind', () => {
    expect(errorsFor(validDraft({ mobile: '912 345 678' }))).toEqual({ mobile: 'mobile.landline' });
    expect(errorsFor(validDraft({ mobile: '+44 7911 123456' }))).toEqual({ mobile: 'mobile.not_spanish_mobile' });
    expect(errorsFor(validDraft({ mobile: '6123' }))).toEqual({ mobile: 'mobile.invalid' });
  });

  it('rejects a malformed email', () => {
    expect(errorsFor(validDraft({ email: 'maria@' }))).toEqual({ email: 'email.invalid' });
    expect(errorsFor(validDraft({ email: 'maria example.es' }))).toEqual({ email: 'email.invalid' });
    expect(errorsFor(validDraft({ email: `${'a'.repeat(250)}@x.es` }))).toEqual({ email: 'too_long' });
  });

  describe('date of birth', () => {
    it('accepts the 18th birthday itself and refuses the day before', () => {
      expect(errorsFor(validDraft({ dateOfBirth: '2008-03-15' }))).toEqual({});
      expect(errorsFor(validDraft({ dateOfBirth: '2008-03-16' }))).toEqual({ dateOfBirth: 'dob.under_18' });
    });

    it('counts a 29 February birthday as reached on 1 March in common years', () => {
      const schema = (today: string) => makeShopperSchema({ today, requireNinControl: false });
      expect(schema('2026-02-28').safeParse(validDraft({ dateOfBirth: '2008-02-29' })).success).toBe(false);
      expect(schema('2026-03-01').safeParse(validDraft({ dateOfBirth: '2008-02-29' })).success).toBe(true);
    });

    it('rejects impossible, future and absurd dates, telling a day that does not exist from a wrong format', () => {
      expect(errorsFor(validDraft({ dateOfBirth: '2010-02-31' }))).toEqual({ dateOfBirth: 'dob.impossible' });
      expect(errorsFor(validDraft({ dateOfBirth: '1990-02-30' }))).toEqual({ dateOfBirth: 'dob.impossible' });
      expect(errorsFor(validDraft({ dateOfBirth: '2001-02-29' }))).toEqual({ dateOfBirth: 'dob.impossible' });
      expect(errorsFor(validDraft({ dateOfBirth: '20/05/1990' }))).toEqual({ dateOfBirth: 'dob.invalid' });
      expect(errorsFor(validDraft({ dateOfBirth: '05/1990' }))).toEqual({ dateOfBirth: 'dob.invalid' });
      expect(errorsFor(validDraft({ dateOfBirth: '2027-01-01' }))).toEqual({ dateOfBirth: 'dob.in_future' });
      expect(errorsFor(validDraft({ dateOfBirth: '1905-03-15' }))).toEqual({ dateOfBirth: 'dob.too_old' });
      expect(errorsFor(validDraft({ dateOfBirth: '1906-03-15' }))).toEqual({});
    });

    it('refuses to build a schema without a real today', () => {
      expect(() => makeShopperSchema({ today: '2026-13-01', requireNinControl: false })).toThrow(RangeError);
    });

    it('computes completed years', () => {
      const date = (value: string) => parseIsoDate(value) ?? expect.unreachable();
      expect(ageInYears(date('2000-12-31'), date('2018-12-30'))).toBe(17);
      expect(ageInYears(date('2000-12-31'), date('2018-12-31'))).toBe(18);
      expect(parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
      expect(parseIsoDate('1900-02-29')).toBeNull();
    });
  });

  describe('address', () => {
    const address = { line1: 'C/ Mayor 1', line2: '2º 1ª', postalCode: '28001', city: 'Madrid' };

    it('is optional as a whole, but complete when given', () => {
      expect(errorsFor(validDraft({ address: null }))).toEqual({});
      expect(errorsFor(validDraft({ address }))).toEqual({});
      expect(errorsFor(validDraft({ address: { line1: '', line2: '', postalCode: '', city: '' } }))).toEqual({
        'address.line1': 'required',
        'address.postalCode': 'required',
        'address.city': 'required',
      });
    });

    it('checks the postal code province', () => {
      expect(errorsFor(validDraft({ address: { ...address, postalCode: '53001' } }))).toEqual({
        'address.postalCode': 'postal_code.invalid',
      });
      expect(errorsFor(validDraft({ address: { ...address, postalCode: '2800' } }))).toEqual({
        'address.postalCode': 'postal_code.invalid',
      });
    });
  });

  it('refuses unknown fields and wrong types with codes', () => {
    expect(errorsFor({ ...validDraft(), nickname: 'Mari' })).toEqual({ nickname: 'unexpected_field' });
    expect(errorsFor({ ...validDraft(), email: 42 })).toEqual({ email: 'invalid' });
    const { mobile: _mobile, ...withoutMobile } = validDraft();
    expect(errorsFor(withoutMobile)).toEqual({ mobile: 'required' });
  });
});
