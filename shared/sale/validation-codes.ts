import type { z } from 'zod';

// Every issue message the sale schemas produce is one of these codes, never prose: the renderer's i18n
// catalogue holds one Spanish and one English sentence per code and is type-checked against this tuple, so a
// code added here without a translation fails the build instead of showing a raw key to a cashier.

export const VALIDATION_CODES = [
  // Generic (also the fallback for zod's built-in issues, see `codeForIssue`)
  'required',
  'invalid',
  'too_long',
  'too_many',
  'too_small',
  'too_large',
  'unexpected_field',
  // Money (integer cents)
  'money.invalid',
  'money.negative',
  'money.must_be_positive',
  'money.must_be_negative',
  'money.too_many_decimals',
  'money.too_large',
  'quantity.invalid',
  // Shopper
  'name.invalid',
  'second_surname.required_for_dni',
  'nin.format',
  'nin.letter',
  'nin_control.required',
  'nin_control.format',
  'dob.invalid',
  'dob.impossible',
  'dob.in_future',
  'dob.under_18',
  'dob.too_old',
  'mobile.invalid',
  'mobile.landline',
  'mobile.not_spanish_mobile',
  'email.invalid',
  'postal_code.invalid',
  // Till cart
  'cart.empty',
  'cart.duplicate_id',
  'cart.discount_exceeds_total',
  'cart.nothing_to_finance',
  // SeQura payload (programming errors caught before sending; still translated for the support screen)
  'date.invalid',
  'datetime.invalid',
  'duration.invalid',
  'country_code.invalid',
  'payload.items_total_mismatch',
  'payload.nothing_to_finance',
  'payload.cart_forbidden_with_shipped_cart',
  'payload.shipped_cart_needs_option',
  'payload.service_end_required',
  'form_delivery.campaign_required',
  'form_delivery.product_mismatch',
  // Order update builders (thrown as OrderBuildError, shown on the return screen)
  'order_ref.invalid',
  'return.unknown_line',
  'return.invalid_quantity',
  'return.quantity_exceeds_sold',
  'return.invalid_refund',
  'return.duplicate_refund',
  'return.nothing_returned',
  'return.exceeds_financed',
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(VALIDATION_CODES);

export function isValidationCode(value: unknown): value is ValidationCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/**
 * The code for one zod issue: its message when the schema set a code, otherwise a generic code derived from
 * zod's issue kind, so even a schema someone forgot to annotate never leaks English prose to the UI.
 */
export function codeForIssue(issue: z.core.$ZodIssue): ValidationCode {
  if (isValidationCode(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      // Zod leaves the input out of issues by default; its own message then says "received undefined".
      const missing = 'input' in issue ? issue.input === undefined : /received undefined$/.test(issue.message);
      return missing ? 'required' : 'invalid';
    }
    case 'too_big':
      if (issue.origin === 'string') return 'too_long';
      if (issue.origin === 'array' || issue.origin === 'set') return 'too_many';
      return 'too_large';
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return 'required';
      if (issue.origin === 'array' && issue.minimum === 1) return 'required';
      return 'too_small';
    case 'unrecognized_keys':
      return 'unexpected_field';
    default:
      return 'invalid';
  }
}

/**
 * Field-level errors for a form: dotted path → code (first issue per field wins, as the form shows one message
 * per input). Issues about the object itself use the key '' (e.g. the cart-level rules are placed on a field
 * path instead, so '' is rare). An unexpected key is reported at its own path.
 */
export function fieldErrors(error: z.ZodError): Record<string, ValidationCode> {
  const result: Record<string, ValidationCode> = {};
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...base, key].join('.')) : [base.join('.')];
    const code = codeForIssue(issue);
    for (const path of paths) {
      if (!(path in result)) result[path] = code;
    }
  }
  return result;
}
