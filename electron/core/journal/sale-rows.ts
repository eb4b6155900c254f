import { isFinal, type SaleRecord } from '../../../shared/sale/sale-record.ts';
import type { TillDatabase } from '../db/database.ts';
import { ticketKey, ticketTail } from '../db/migrations.ts';

// The `sales` table: one row per sale, the SaleRecord as JSON plus the columns the indexes need.

/** Live and training sales share the tables and never a query. */
export type Realm = 'live' | 'training';

export interface SaleRow {
  id: string;
  realm: Realm;
  archived: 0 | 1;
  step: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  ticket_number: string | null;
  sequra_uuid: string | null;
  phone_last4: string | null;
  ticket_key: string | null;
  ticket_tail: string | null;
  purged_at: string | null;
  record: string;
}

/** The timeline event the personal-data purge leaves on a sale (privacy/purge.ts). */
export const PURGED_EVENT = 'personal_data_purged';

/** When the shopper's personal data was removed from the sale, or null while it is still there. */
export function purgedAt(sale: SaleRecord): string | null {
  // Records imported from old files may lack a timeline.
  const timeline = sale.timeline as SaleRecord['timeline'] | undefined;
  return timeline?.find((entry) => entry.event === PURGED_EVENT)?.at ?? null;
}

/** The last four digits of the shopper's mobile (kept after the personal-data purge for the history search). */
export function phoneLast4(sale: SaleRecord): string | null {
  const digits = (sale.shopper?.mobile ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

export function saleRow(sale: SaleRecord, realm: Realm, archived: 0 | 1): SaleRow {
  return {
    id: sale.id,
    realm,
    archived,
    step: sale.step,
    created_at: sale.createdAt,
    updated_at: sale.updatedAt,
    finished_at: sale.finishedAt ?? (isFinal(sale.step) ? sale.updatedAt : null),
    ticket_number: sale.ticketNumber,
    sequra_uuid: sale.solicitation?.uuid ?? null,
    phone_last4: phoneLast4(sale),
    ticket_key: ticketKey(sale.ticketNumber),
    ticket_tail: ticketTail(sale.ticketNumber),
    purged_at: purgedAt(sale),
    record: JSON.stringify(sale),
  };
}

export function saleStatements(db: TillDatabase) {
  const sql = db.sql;
  return {
    upsert: sql.prepare<[SaleRow]>(
      `INSERT INTO sales (id, realm, archived, step, created_at, updated_at, finished_at, ticket_number,
         sequra_uuid, phone_last4, ticket_key, ticket_tail, purged_at, record)
       VALUES (@id, @realm, @archived, @step, @created_at, @updated_at, @finished_at, @ticket_number,
         @sequra_uuid, @phone_last4, @ticket_key, @ticket_tail, @purged_at, @record)
       ON CONFLICT (id) DO UPDATE SET archived = excluded.archived, step = excluded.step,
         updated_at = excluded.updated_at, finished_at = excluded.finished_at, ticket_number = excluded.ticket_number,
         sequra_uuid = excluded.sequra_uuid, phone_last4 = excluded.phone_last4,
         ticket_key = excluded.ticket_key, ticket_tail = excluded.ticket_tail, purged_at = excluded.purged_at,
         record = excluded.record`,
    ),
    byId: sql.prepare<[string, Realm], { record: string; archived: 0 | 1 }>(
      'SELECT record, archived FROM sales WHERE id = ? AND realm = ?',
    ),
    active: sql.prepare<[Realm], { record: string }>(
      'SELECT record FROM sales WHERE realm = ? AND archived = 0 ORDER BY created_at',
    ),
  };
}

/** The sales of a realm still in its journal (read only: for the live till's view of training sales). */
export function activeSales(db: TillDatabase, realm: Realm): SaleRecord[] {
  return db.read(() => saleStatements(db).active.all(realm)).map((row) => JSON.parse(row.record) as SaleRecord);
}
