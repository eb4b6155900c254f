// Shopper personal data never reaches a log or a diagnostics file. Two nets: known field names are
// replaced whole, and free text is scrubbed of the shapes personal data takes (NIN, phone, email).
const PERSONAL_KEYS = new Set([
  'givennames',
  'given_names',
  'firstsurname',
  'secondsurname',
  'surnames',
  'name',
  'nin',
  'nincontrol',
  'nin_control',
  'dateofbirth',
  'date_of_birth',
  'mobile',
  'mobile_phone',
  'phone',
  'email',
  'address',
  'line1',
  'line2',
  'address_line_1',
  'address_line_2',
  'postalcode',
  'postal_code',
  'city',
  'shopper',
  'customer',
  'delivery_address',
  'invoice_address',
  'password',
  'secret',
  'authorization',
  'pin',
  'token',
]);

const PATTERNS: Array<[RegExp, string]> = [
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]'],
  [/\b[XYZxyz]?\d{7,8}[A-Za-z]\b/g, '[nin]'],
  [/(\+|00)?34[\s.-]?[6789](?:[\s.-]?\d){8}\b/g, '[phone]'],
  [/\b[6789](?:[\s.-]?\d){8}\b/g, '[phone]'],
  [/Basic\s+[A-Za-z0-9+/=]+/g, 'Basic [secret]'],
];

// SeQura order uuids are what support looks things up by, and a uuid's first group can look like a NIN
// ("12345678a-…"): uuids are kept whole and only the text around them is scrubbed.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function redactText(text: string): string {
  const uuids = text.match(UUID) ?? [];
  return text
    .split(UUID)
    .map((part) => {
      let out = part;
      for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
      return out;
    })
    .reduce((joined, part, index) => joined + part + (uuids[index] ?? ''), '');
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = PERSONAL_KEYS.has(key.toLowerCase()) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
