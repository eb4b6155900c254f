import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SaleHistory } from '../../electron/core/journal/history.ts';
import { SaleJournal } from '../../electron/core/journal/journal.ts';
import { openTillDatabase, type TillDatabase } from '../../electron/core/db/database.ts';
import { newSaleRecord } from '../../electron/core/sale/sale-factory.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { journalSales, makeDataDir, removeDir, withTillDatabase } from '../support/till.ts';

// The journal in a real database (a temp directory), reopened the way a restarted till reopens it: a new
// connection each time.
let dir: string;
const databases: TillDatabase[] = [];
beforeEach(() => {
  dir = makeDataDir('journal-');
});
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
  removeDir(dir);
});

function database(): TillDatabase {
  const db = openTillDatabase(join(dir, 'till.db'));
  databases.push(db);
  return db;
}
function open(): SaleJournal {
  return new SaleJournal(database(), 'live');
}
const onDisk = () => ({
  ticketSequence: withTillDatabase(
    dir,
    (db) =>
      (db.prepare("SELECT ticket_sequence FROM sale_journal WHERE realm = 'live'").get() as { ticket_sequence: number })
        .ticket_sequence,
  ),
  sales: journalSales(dir),
});
// store T, till 01, installation (4), stamp (8) in Crockford base32.
const TICKET_FORMAT = /^T-01-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
let n = 0;
const sale = (): SaleRecord =>
  newSaleRecord({
    id: `sale-${++n}`,
    now: '2026-11-27T10:00:00.000Z',
    training: false,
    storeRef: 'T',
    tillId: '01',
    operatorRef: 'op',
  });

describe('sale journal', () => {
  it('hands out ticket numbers that keep growing across restarts and are never reused', () => {
    const first = open();
    const a = sale();
    first.putCurrent(a);
    const ticketA = first.assignTicket(a).ticketNumber!;
    expect(ticketA).toMatch(TICKET_FORMAT);
    // The number and the sale that carries it are in the same write.
    expect(onDisk()).toMatchObject({ ticketSequence: 1, sales: { [a.id]: { ticketNumber: ticketA } } });

    const afterRestart = open();
    const b = sale();
    afterRestart.putCurrent(b);
    const ticketB = afterRestart.assignTicket(b).ticketNumber!;
    // A sale whose ticket was handed out and then abandoned does not give its number back.
    const c = sale();
    afterRestart.putCurrent(c);
    const ticketC = open().assignTicket(c).ticketNumber!;
    expect([ticketA, ticketB, ticketC]).toEqual([...new Set([ticketA, ticketB, ticketC])].sort());
    // The same installation part every time in one database.
    expect(new Set([ticketA, ticketB, ticketC].map((t) => t.split('-')[2]))).toHaveLength(1);
  });

  it('keeps ticket numbers growing when the clock goes backwards or stands still', () => {
    let now = Date.parse('2026-11-27T10:00:00.000Z');
    const journal = new SaleJournal(database(), 'live', () => new Date(now));
    const issued: string[] = [];
    for (const step of [0, 0, -86_400_000, 1, -1]) {
      now += step;
      const s = sale();
      journal.putCurrent(s);
      issued.push(journal.assignTicket(s).ticketNumber!);
    }
    expect(issued).toEqual([...new Set(issued)].sort());
  });
  it('keeps the current sale and its step across a restart', () => {
    const journal = open();
    const a = sale();
    journal.putCurrent(a);
    journal.put({ ...a, step: 'awaiting_approval', solicitation: { uuid: 'u-1', startedAt: a.createdAt } });
    const reopened = open();
    expect(reopened.current()).toMatchObject({ id: a.id, step: 'awaiting_approval', solicitation: { uuid: 'u-1' } });
  });

  it('archives only finished sales, into the month history, and forgets them in the journal', () => {
    const journal = open();
    const a = sale();
    journal.putCurrent(a);
    journal.archive(a.id);
    expect(journal.get(a.id)).toBeDefined();
    journal.put({ ...a, step: 'done', finishedAt: a.createdAt });
    journal.archive(a.id);
    expect(journal.get(a.id)).toBeUndefined();
    expect(journal.current()).toBeNull();
    expect(onDisk().sales).toEqual({});
    const history = new SaleHistory(database(), 'live');
    expect(history.months()).toEqual(['2026-11']);
    expect(history.salesOf('2026-11').map((s) => s.id)).toEqual([a.id]);
  });
});
