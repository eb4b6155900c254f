import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.ts';
import type { KeyValueStore } from '../storage/store.ts';
import type { SaleHistory } from './history.ts';
import type { JournalFile } from './journal.ts';
import { salvageTicketSequence } from './migrations.ts';

/**
 * When the journal had to be set aside (or is missing while the till has sold before), the ticket counter
 * in the fresh journal would restart at 0 and hand out numbers SeQura has already seen as order_ref_1 (a 409
 * at the next confirmation, or a ticket that names two sales). Continues above everything readable instead.
 * Returns the new counter, or null when nothing had to be done (the usual start, or a fresh install).
 */
export function restoreTicketCounter(input: {
  store: KeyValueStore<JournalFile>;
  history: SaleHistory;
  outboxPath: string;
  setAsidePaths: string[];
  journalWasAbsent: boolean;
  log: Logger;
}): number | null {
  if (input.setAsidePaths.length === 0 && !input.journalWasAbsent) return null;
  const tickets: Array<string | null> = [];
  for (const month of input.history.months())
    for (const sale of input.history.salesOf(month)) tickets.push(sale.ticketNumber);
  try {
    if (existsSync(input.outboxPath)) {
      const outbox = JSON.parse(readFileSync(input.outboxPath, 'utf8')) as {
        instructions?: Record<string, { ticketNumber?: string | null }>;
      };
      for (const instruction of Object.values(outbox.instructions ?? {}))
        tickets.push(instruction.ticketNumber ?? null);
    }
  } catch {
    // An unreadable outbox is set aside by its own store; its text is not needed here.
  }
  const texts = input.setAsidePaths.map((path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  });
  const known = tickets.some((t) => !!t) || texts.some((t) => t.length > 0);
  if (!known) return null; // a genuinely fresh till
  const next = salvageTicketSequence({ setAsideText: texts, ticketNumbers: tickets });
  if (next <= input.store.get('ticketSequence')) return null;
  input.store.set('ticketSequence', next);
  input.log.warn('journal.ticket_counter_restored', { ticketSequence: next, setAside: input.setAsidePaths.length });
  return next;
}
