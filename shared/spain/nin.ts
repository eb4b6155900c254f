// Spanish national identity numbers (customer.nin): DNI for citizens, NIE for foreign residents.
// SeQura does not document the rule (sequra-api.md §3.7 [I]); these are the standard Interior Ministry rules, and the
// shopper's SeQura form checks the letter, so catching a typo here saves the shopper a failed identification.

const CONTROL_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

const DNI_PATTERN = /^(\d{8})([A-Z])$/;
const NIE_PATTERN = /^([XYZ])(\d{7})([A-Z])$/;
// The NIE prefix letter stands for a leading digit in the checksum.
const NIE_PREFIX_DIGIT: Record<string, string> = { X: '0', Y: '1', Z: '2' };

export type NinKind = 'dni' | 'nie';
export type NinErrorCode = 'nin.format' | 'nin.letter';
export type NinResult =
  { ok: true; nin: string; kind: NinKind } | { ok: false; code: NinErrorCode; normalized: string };

/** Uppercase and drop the separators people type or that appear on the card ("12.345.678-z" → "12345678Z"). */
export function normalizeNin(raw: string): string {
  return raw.toUpperCase().replace(/[\s.\-_/]/g, '');
}

/** The control letter for the numeric part (DNI number, or NIE with its prefix replaced by 0/1/2). */
export function ninControlLetter(numericPart: string): string {
  return CONTROL_LETTERS.charAt(Number(numericPart) % 23);
}

export function validateNin(raw: string): NinResult {
  const normalized = normalizeNin(raw);
  const dni = DNI_PATTERN.exec(normalized);
  if (dni) {
    const [, digits = '', letter] = dni;
    return letter === ninControlLetter(digits)
      ? { ok: true, nin: normalized, kind: 'dni' }
      : { ok: false, code: 'nin.letter', normalized };
  }
  const nie = NIE_PATTERN.exec(normalized);
  if (nie) {
    const [, prefix = '', digits = '', letter] = nie;
    return letter === ninControlLetter(`${NIE_PREFIX_DIGIT[prefix] ?? ''}${digits}`)
      ? { ok: true, nin: normalized, kind: 'nie' }
      : { ok: false, code: 'nin.letter', normalized };
  }
  return { ok: false, code: 'nin.format', normalized };
}

export function isValidNin(raw: string): boolean {
  return validateNin(raw).ok;
}
