import type { RefusalKind } from './sale-record.ts';

// SeQura answers a refused confirmation with 409 and free-text reasons; it documents no codes (sequra-api.md §2.7:
// "clients must only key on the status code"). The reasons are always shown verbatim; this only picks the
// most likely next action to offer first, and falls back to offering every action.
const RULES: Array<[RefusalKind, RegExp]> = [
  ['duplicate_reference', /order_ref|already (been )?used|duplicad|duplicate|unique|ya (se )?ha usado|referencia/i],
  ['under_review', /review|revisi[oó]n|on.hold|en espera/i],
  ['rejected_or_expired', /reject|rechaz|expir|caduc|cancel|denied|deneg/i],
  ['cart_changed', /cart|carrito|item|art[ií]culo|total|changed|cambiad|added|a[nñ]adid|different|distint/i],
  [
    'not_approved_yet',
    /not (yet )?approved|approv|aprob|not finished|pending|pendiente|todav[ií]a|a[uú]n no|solicited/i,
  ],
];

export function classifyRefusal(reasons: readonly string[]): RefusalKind {
  const text = reasons.join(' ');
  for (const [kind, pattern] of RULES) if (pattern.test(text)) return kind;
  return 'unknown';
}
