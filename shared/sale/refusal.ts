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

/**
 * SeQura refused a confirmation because the ticket number (order_ref_1) is already used by another order of
 * the merchant. Narrower than the `duplicate_reference` kind above: the till acts on this by itself (a new
 * number, confirmed again), so it must name the reference and say it is taken, not merely mention it (a
 * reference that differs from the one already registered for the same order is a different problem, which a
 * new number would only make worse).
 */
export function isTicketNumberTaken(reasons: readonly string[]): boolean {
  return reasons.some(
    (reason) =>
      /order_ref|reference|referencia/i.test(reason) &&
      /unique|[uú]nic|already (been )?used|already (exists|taken|in use)|duplicat|ya (se )?(ha )?usad|ya existe|repetid/i.test(
        reason,
      ),
  );
}
