import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTillDatabase, type TillDatabase } from '../../electron/core/db/database.ts';
import { saleRow, saleStatements, type Realm } from '../../electron/core/journal/sale-rows.ts';
import { SaleSearch } from '../../electron/core/journal/sale-search.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';

// The history search on the till database: every key the history screen offers is looked up through an
// index (no statement scans the sales table), and it finds what it should among many stored sales.

let dir: string;
let db: TillDatabase;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-search-'));
  db = openTillDatabase(join(dir, 'till.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const START = Date.parse('2026-09-01T10:00:00.000Z');

function sale(i: number): SaleRecord {
  const at = new Date(START + i * (DAY / 10)).toISOString();
  return {
    id: `sale-${i}`,
    step: 'done',
    createdAt: at,
    updatedAt: at,
    finishedAt: at,
    ticketNumber: `Tienda1-01-${String(i + 1).padStart(6, '0')}`,
    solicitation: { uuid: `0000${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`, startedAt: at },
    abandonedSolicitations: [],
    shopper: { mobile: `6${String(10_000_000 + i)}` },
    timeline: [],
  } as unknown as SaleRecord;
}

function seed(count: number, realm: Realm = 'live'): void {
  const upsert = saleStatements(db).upsert;
  db.write(() => {
    for (let i = 0; i < count; i += 1) {
      const record = realm === 'live' ? sale(i) : { ...sale(i), id: `training-${i}` };
      upsert.run(saleRow(record, realm, i % 7 === 0 ? 0 : 1));
    }
  });
}

const ids = (search: SaleSearch, hits: ReturnType<SaleSearch['inRange']>) => search.records(hits).map((s) => s.id);

describe('history search on indexes', () => {
  it('every search statement uses an index; none scans the sales table', () => {
    seed(200);
    const plans = new SaleSearch(db, 'live').queryPlans();
    expect(Object.keys(plans).sort()).toEqual(
      ['byPhone', 'byTicketEnd', 'byTicketStart', 'byUuid', 'inRange', 'record'].sort(),
    );
    const expected: Record<string, string> = {
      byTicketStart: 'sales_by_ticket_key',
      byTicketEnd: 'sales_by_ticket_tail',
      byUuid: 'sales_by_uuid',
      byPhone: 'sales_by_phone',
      inRange: 'sales_by_created',
    };
    for (const [name, detail] of Object.entries(plans)) {
      expect(detail.join(' | ')).not.toMatch(/SCAN sales\b(?! USING)/);
      expect(detail.join(' | ')).toMatch(/SEARCH sales USING (COVERING )?INDEX/);
      if (expected[name]) expect(detail.join(' | ')).toContain(`INDEX ${expected[name]} `);
    }
    // The last ticket number of a realm (read at every start) comes from an index too.
    const lastTicket = db.sql
      .prepare<[], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT j.realm, (SELECT ticket_number FROM sales s WHERE s.realm = j.realm
           AND s.ticket_number IS NOT NULL ORDER BY s.updated_at DESC LIMIT 1) AS ticket_number FROM sale_journal j`,
      )
      .all()
      .map((row) => row.detail)
      .join(' | ');
    expect(lastTicket).toContain('INDEX sales_by_ticket_update');
    expect(lastTicket).not.toContain('TEMP B-TREE');
    // A date range can hold thousands of sales: their ids come from the index alone, no row is read.
    expect(plans.inRange!.join(' | ')).toContain('USING COVERING INDEX sales_by_created');
  });

  it('finds by the ticket number’s start or end, the uuid’s start, the phone’s last four digits and the creation time', () => {
    seed(3_000);
    seed(50, 'training');
    const search = new SaleSearch(db, 'live');
    const all = { from: null, before: null };
    const none = { ticket: null, uuid: null, phoneLast4: null };

    expect(ids(search, search.byKeys({ ...none, ticket: 'tienda1-01-001234' }, all))).toEqual(['sale-1233']);
    expect(ids(search, search.byKeys({ ...none, ticket: '001234' }, all))).toEqual(['sale-1233']);
    // By its end, newest first: …2234 and …1234 and …0234 all end in 234.
    expect(ids(search, search.byKeys({ ...none, ticket: '234' }, all))).toEqual(['sale-2233', 'sale-1233', 'sale-233']);
    expect(ids(search, search.byKeys({ ...none, uuid: '00001500' }, all))).toEqual(['sale-1500']);
    expect(ids(search, search.byKeys({ ...none, uuid: '00001500-0000-4000-8000-000000000000' }, all))).toEqual([
      'sale-1500',
    ]);
    expect(ids(search, search.byKeys({ ...none, phoneLast4: '2345' }, all))).toEqual(['sale-2345']);
    expect(search.byKeys({ ...none, ticket: 'nothing-like-it' }, all)).toEqual([]);

    // A day of sales (ten a day), in range and newest first; a key search limited to a range.
    const day = { from: new Date(START + 100 * DAY).toISOString(), before: new Date(START + 101 * DAY).toISOString() };
    expect(search.inRange(day).map((h) => h.id)).toEqual(Array.from({ length: 10 }, (_, k) => `sale-${1009 - k}`));
    expect(search.byKeys({ ...none, ticket: '234' }, { from: day.from, before: null }).map((h) => h.id)).toEqual([
      'sale-2233',
      'sale-1233',
    ]);
    // Realms never mix.
    expect(search.inRange(all)).toHaveLength(3_000);
    expect(new SaleSearch(db, 'training').inRange(all)).toHaveLength(50);
  });
});
