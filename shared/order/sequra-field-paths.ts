// SeQura refuses a solicitation with free-text reasons that usually name the payload field
// ("Invalid data: customer.email has an invalid format"). The cashier's form shows an error next to what
// caused it, so each payload path is mapped back to the form field it was built from. Unknown paths map
// to nothing (the reason is still shown, verbatim, above the form).
const RULES: Array<[RegExp, string]> = [
  [/^customer\.email\b/, 'shopper.email'],
  [/^customer\.given_names\b|^(delivery|invoice)_address\.given_names\b/, 'shopper.givenNames'],
  [/^customer\.surnames\b|^(delivery|invoice)_address\.surnames\b/, 'shopper.firstSurname'],
  [/^customer\.nin_control\b/, 'shopper.ninControl'],
  [/^customer\.nin\b/, 'shopper.nin'],
  [/^customer\.date_of_birth\b/, 'shopper.dateOfBirth'],
  [/^(delivery|invoice)_address\.(mobile_phone|phone)\b/, 'shopper.mobile'],
  [/^(delivery|invoice)_address\.postal_code\b/, 'shopper.address.postalCode'],
  [/^(delivery|invoice)_address\.city\b/, 'shopper.address.city'],
  [/^(delivery|invoice)_address\.address_line_1\b/, 'shopper.address.line1'],
  [/^(delivery|invoice)_address\.address_line_2\b/, 'shopper.address.line2'],
  [/^(cart|shipped_cart|unshipped_cart)\b|^items\b|items' total_with_tax/, 'cart.lines'],
];

/** The form field a SeQura reason points at, or null. */
export function formFieldForSequraReason(reason: string): string | null {
  const path = /^Invalid data:\s*(?:In \w+, )?(.+)$/.exec(reason.trim())?.[1] ?? reason.trim();
  for (const [pattern, field] of RULES) if (pattern.test(path)) return field;
  return null;
}

/** Field → SeQura's own words, for every reason that names a form field (first reason per field wins). */
export function formFieldsForSequraReasons(reasons: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const reason of reasons) {
    const field = formFieldForSequraReason(reason);
    if (field && !(field in fields)) fields[field] = 'sequra_rejected';
  }
  return fields;
}
