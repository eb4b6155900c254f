import { z } from 'zod';
import { SALE_STEPS } from '../../../shared/sale/sale-record.ts';
import type { StoreSpec } from '../storage/versioned-store.ts';

// Versions of the journal file (journal.json) and of the monthly history files (history/history-YYYY-MM.json).
// How to change either format: bump `currentVersion`, add `migrations[old]` (a pure function from the old
// shape to the new one, with a test in tests/integration/persistence.test.ts), and update `validate`.
// Never edit a released migration: tills in the field may still hold files of any earlier version.
//
// The shape check is structural on purpose: it catches a truncated or foreign file and the fields the core
// relies on at start (ids, steps, the ticket counter), without rejecting a whole journal because one record
// lacks a field a later release made required (that is a migration's job, not a reason to set sales aside).
const SaleShape = z.looseObject({
  id: z.string().min(1),
  step: z.enum(SALE_STEPS),
  createdAt: z.string(),
});

const JournalShape = z.looseObject({
  schemaVersion: z.literal(1),
  currentSaleId: z.string().nullable(),
  ticketSequence: z.number().int().min(0),
  sales: z.record(z.string(), SaleShape),
});

const HistoryShape = z.looseObject({
  schemaVersion: z.literal(1),
  sales: z.record(z.string(), SaleShape),
});

function firstProblem(result: z.ZodSafeParseResult<unknown>): string | null {
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
}

function keysMatchIds(sales: Record<string, { id: string }>): string | null {
  for (const [key, sale] of Object.entries(sales)) if (sale.id !== key) return `sales.${key}: id is "${sale.id}"`;
  return null;
}

export const JOURNAL_SPEC: StoreSpec = {
  currentVersion: 1,
  migrations: {},
  validate: (data) => {
    const parsed = JournalShape.safeParse(data);
    return firstProblem(parsed) ?? keysMatchIds(parsed.data!.sales);
  },
};

export const HISTORY_SPEC: StoreSpec = {
  currentVersion: 1,
  migrations: {},
  validate: (data) => {
    const parsed = HistoryShape.safeParse(data);
    return firstProblem(parsed) ?? keysMatchIds(parsed.data!.sales);
  },
};

/**
 * After the journal had to be set aside, the next ticket number must still never repeat one SeQura may have
 * seen (order_ref_1 is unique per merchant among confirmed orders). The highest sequence readable anywhere
 * (the set-aside text, however damaged, the history, the outbox) plus a margin for what is unreadable: a gap
 * in ticket numbers is harmless, a repeated one is not.
 */
export const TICKET_SALVAGE_MARGIN = 100;

export function salvageTicketSequence(input: {
  setAsideText: string[];
  ticketNumbers: Array<string | null | undefined>;
}): number {
  let highest = 0;
  for (const text of input.setAsideText) {
    for (const match of text.matchAll(/"ticketSequence"\s*:\s*(\d{1,12})/g))
      highest = Math.max(highest, Number(match[1]));
    for (const match of text.matchAll(/"ticketNumber"\s*:\s*"[^"]*?-(\d{1,12})"/g))
      highest = Math.max(highest, Number(match[1]));
  }
  for (const ticket of input.ticketNumbers) {
    const match = ticket ? /-(\d{1,12})$/.exec(ticket) : null;
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + TICKET_SALVAGE_MARGIN;
}
