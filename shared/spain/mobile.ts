// Spanish mobile numbers. SeQura only sends its SMS to Spanish mobiles (sequra-api.md §2.2), so anything else must be
// caught at the till, not discovered when the shopper never gets the form. Mobiles are 9 digits starting with
// 6 or 7; 8xx/9xx numbers are landlines (or special services) that cannot receive the SMS.

export type MobileErrorCode = 'mobile.invalid' | 'mobile.landline' | 'mobile.not_spanish_mobile';
export type MobileResult =
  | { ok: true; /** '+34612345678' */ e164: string; /** '612345678' */ national: string }
  | { ok: false; code: MobileErrorCode };

const SEPARATORS = /[\s.\-()]/g;

export function validateSpanishMobile(raw: string): MobileResult {
  const compact = raw.replace(SEPARATORS, '');
  let national: string;
  if (compact.startsWith('+34')) national = compact.slice(3);
  else if (compact.startsWith('0034')) national = compact.slice(4);
  else if (/^(\+|00)\d{6,15}$/.test(compact)) return { ok: false, code: 'mobile.not_spanish_mobile' };
  else national = compact;

  if (!/^\d{9}$/.test(national)) return { ok: false, code: 'mobile.invalid' };
  const first = national.charAt(0);
  if (first === '6' || first === '7') return { ok: true, e164: `+34${national}`, national };
  if (first === '8' || first === '9') return { ok: false, code: 'mobile.landline' };
  return { ok: false, code: 'mobile.invalid' };
}

/** '+34 612-34.56.78' → '+34612345678', or null when it is not a Spanish mobile. */
export function normalizeSpanishMobile(raw: string): string | null {
  const result = validateSpanishMobile(raw);
  return result.ok ? result.e164 : null;
}

/** The form SeQura's own examples use in `mobile_phone` (sequra-api.md §3.6): '612 345 678'. Throws on a non-mobile. */
export function formatMobileForSeQura(mobile: string): string {
  const result = validateSpanishMobile(mobile);
  if (!result.ok) throw new RangeError(`not a Spanish mobile number (${result.code})`);
  const n = result.national;
  return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
}

const HIDDEN = '\u00B7\u00B7\u00B7\u00B7';

/**
 * The shopper's mobile wherever the till shows it: '···· 5678', the last four digits only. One style on every
 * screen (the sale, the history, the sale's page): four digits are what the history is searched by and all a
 * sale keeps once its personal data is purged ('*****5678'), so the cashier reads the same ending everywhere.
 * Takes a whole number as typed, a purged one, or just the last four; a mistyped number is never shown in full.
 */
export function maskMobile(mobile: string): string {
  const result = validateSpanishMobile(mobile);
  const digits = result.ok ? result.national : mobile.replace(/\D/g, '');
  return `${HIDDEN} ${digits.length >= 4 ? digits.slice(-4) : HIDDEN}`;
}
