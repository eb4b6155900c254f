import { z } from 'zod';
import { validateSpanishMobile } from '../spain/mobile.ts';
import { normalizeNin, validateNin } from '../spain/nin.ts';
import { isValidSpanishPostalCode, normalizePostalCode } from '../spain/postal-code.ts';
import type { ValidationCode } from './validation-codes.ts';

// The shopper as the cashier types her in. One schema for the renderer's inline validation and for main's
// check before anything goes to SeQura; its output is normalized (NIN uppercase without separators, mobile as
// +34…), so the payload builder never has to clean input again.

export interface ShopperAddress {
  line1: string;
  line2: string;
  postalCode: string;
  city: string;
}

export interface Shopper {
  givenNames: string;
  firstSurname: string;
  /** '' is allowed only for NIE holders: Spanish citizens (DNI) always have two surnames. */
  secondSurname: string;
  /** DNI or NIE, normalized: '12345678Z', 'X1234567L'. */
  nin: string;
  /** The support number printed on the card; '' when the store does not require it. */
  ninControl: string;
  /** 'YYYY-MM-DD'. */
  dateOfBirth: string;
  /** Normalized '+34612345678'. */
  mobile: string;
  email: string;
  address: ShopperAddress | null;
}

/** What the form holds while the cashier types: same shape, anything goes in the strings. */
export type ShopperDraft = Shopper;

export function emptyShopperDraft(): ShopperDraft {
  return {
    givenNames: '',
    firstSurname: '',
    secondSurname: '',
    nin: '',
    ninControl: '',
    dateOfBirth: '',
    mobile: '',
    email: '',
    address: null,
  };
}

export function emptyShopperAddress(): ShopperAddress {
  return { line1: '', line2: '', postalCode: '', city: '' };
}

export const MINIMUM_AGE_YEARS = 18;
/** Older than this is a typo (1905 for 1995), not a shopper. */
export const MAXIMUM_AGE_YEARS = 120;

// ------------------------------------------------------------------------------------------------ dates

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Reads a calendar date without `Date`, so the result cannot depend on the till's time zone.
 * Returns null for anything that is not a real 'YYYY-MM-DD' day.
 */
export function parseIsoDate(value: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * Completed years on `today`. Someone born on 29 February completes a year on 1 March in common years
 * (the conservative reading: never counts a birthday before it has fully happened).
 */
export function ageInYears(dateOfBirth: CalendarDate, today: CalendarDate): number {
  const birthdayReached =
    today.month > dateOfBirth.month || (today.month === dateOfBirth.month && today.day >= dateOfBirth.day);
  return today.year - dateOfBirth.year - (birthdayReached ? 0 : 1);
}

// ---------------------------------------------------------------------------------------------- fields

const code = (value: ValidationCode) => ({ error: value });

/** A string field: a non-string reads as "required" (a form always sends strings, so this is a missing key). */
const formString = () =>
  z.string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'required' : 'invalid') });

const NAME_CHARACTERS = /^[\p{L}\p{M}' ’.-]+$/u;
const HAS_LETTER = /\p{L}/u;

/** Trim and collapse runs of spaces: "  María   José " → "María José". */
const collapseSpaces = (value: string) => value.trim().replace(/\s+/g, ' ');

function nameField({ optional }: { optional: boolean }) {
  return formString()
    .transform(collapseSpaces)
    .pipe(
      z
        .string()
        .max(100, code('too_long'))
        .superRefine((value, ctx) => {
          if (value === '') {
            if (!optional) ctx.addIssue({ code: 'custom', message: 'required' });
            return;
          }
          if (!NAME_CHARACTERS.test(value) || !HAS_LETTER.test(value))
            ctx.addIssue({ code: 'custom', message: 'name.invalid' });
        }),
    );
}

const ninField = formString().transform((raw, ctx) => {
  if (raw.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'required' });
    return z.NEVER;
  }
  const result = validateNin(raw);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.code });
    return z.NEVER;
  }
  return result.nin;
});

// SeQura documents no format for nin_control (examples '15012018F2', '0012201M'; sequra-api.md §3.7), so only
// letters and digits of a plausible length are enforced.
const NIN_CONTROL_PATTERN = /^[A-Z0-9]{3,20}$/;

function ninControlField(required: boolean) {
  return formString().transform((raw, ctx) => {
    const normalized = normalizeNin(raw);
    if (normalized === '') {
      if (required) ctx.addIssue({ code: 'custom', message: 'nin_control.required' });
      return '';
    }
    if (!NIN_CONTROL_PATTERN.test(normalized)) ctx.addIssue({ code: 'custom', message: 'nin_control.format' });
    return normalized;
  });
}

function dateOfBirthField(today: CalendarDate) {
  return formString().transform((raw, ctx) => {
    const value = raw.trim();
    if (value === '') {
      ctx.addIssue({ code: 'custom', message: 'required' });
      return z.NEVER;
    }
    const dateOfBirth = parseIsoDate(value);
    let problem: ValidationCode | null = null;
    // "31/02/2010" is written right but names no day: say so, rather than "wrong format".
    if (!dateOfBirth) problem = /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'dob.impossible' : 'dob.invalid';
    else if (compareDates(dateOfBirth, today) > 0) problem = 'dob.in_future';
    else if (ageInYears(dateOfBirth, today) < MINIMUM_AGE_YEARS) problem = 'dob.under_18';
    else if (ageInYears(dateOfBirth, today) > MAXIMUM_AGE_YEARS) problem = 'dob.too_old';
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return value;
  });
}

const mobileField = formString().transform((raw, ctx) => {
  if (raw.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'required' });
    return z.NEVER;
  }
  const result = validateSpanishMobile(raw);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.code });
    return z.NEVER;
  }
  return result.e164;
});

const emailField = formString()
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, code('required'))
      .max(254, code('too_long'))
      .pipe(z.email(code('email.invalid'))),
  );

const postalCodeField = formString().transform((raw, ctx) => {
  const value = normalizePostalCode(raw);
  if (value === '') ctx.addIssue({ code: 'custom', message: 'required' });
  else if (!isValidSpanishPostalCode(value)) ctx.addIssue({ code: 'custom', message: 'postal_code.invalid' });
  return value;
});

function addressText(maxLength: number, { optional }: { optional: boolean }) {
  return formString()
    .transform(collapseSpaces)
    .pipe(
      optional
        ? z.string().max(maxLength, code('too_long'))
        : z.string().min(1, code('required')).max(maxLength, code('too_long')),
    );
}

const AddressSchema = z
  .object({
    line1: addressText(200, { optional: false }),
    line2: addressText(200, { optional: true }),
    postalCode: postalCodeField,
    city: addressText(100, { optional: false }),
  })
  .strict();

// ---------------------------------------------------------------------------------------------- schema

export interface ShopperSchemaOptions {
  /** The till's local date, 'YYYY-MM-DD': the age rule is about the shopper's age on the day of the sale. */
  today: string;
  /** Physical stores must send customer.nin_control (sequra-api.md §3.7); the store setting decides. */
  requireNinControl: boolean;
}

export function makeShopperSchema({ today, requireNinControl }: ShopperSchemaOptions) {
  const todayDate = parseIsoDate(today);
  if (!todayDate) throw new RangeError(`makeShopperSchema: today must be 'YYYY-MM-DD', got '${today}'`);

  return z
    .object({
      givenNames: nameField({ optional: false }),
      firstSurname: nameField({ optional: false }),
      secondSurname: nameField({ optional: true }),
      nin: ninField,
      ninControl: ninControlField(requireNinControl),
      dateOfBirth: dateOfBirthField(todayDate),
      mobile: mobileField,
      email: emailField,
      address: AddressSchema.nullable(),
    })
    .strict()
    .superRefine((shopper, ctx) => {
      // A DNI means a Spanish citizen, who always has two surnames; SeQura's form asks for both (sequra-api.md §3.6).
      // Only judged once the NIN itself is valid, otherwise the NIN error alone is the useful one.
      if (typeof shopper.nin !== 'string' || shopper.secondSurname !== '') return;
      const nin = validateNin(shopper.nin);
      if (nin.ok && nin.kind === 'dni') {
        ctx.addIssue({ code: 'custom', message: 'second_surname.required_for_dni', path: ['secondSurname'] });
      }
    }) satisfies z.ZodType<Shopper, ShopperDraft>;
}
