import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import type { TillDatabase } from '../db/database.ts';
import { ticketKey, ticketTail } from '../db/migrations.ts';
import type { Realm } from './sale-rows.ts';

// Finding a realm's sales (in progress and finished alike: they share the `sales` table) by the keys the
// history screen offers, each through an index: the ticket number by its start or its end, the SeQura uuid by
// its start, the last four digits of the mobile, and the creation time. A search first collects the ids that
// match (index only), and reads whole records only for the ones it returns, so its cost follows what it finds,
// not how many sales the till keeps.

/** Creation instants (ISO-8601 UTC): `from` inclusive, `before` exclusive; null ends are open. */
export interface CreatedRange {
  from: string | null;
  before: string | null;
}

/** The keys to look a sale up by; a sale matching any of them is found. null = not searched by that key. */
export interface SaleKeys {
  /** Start or end of the ticket number (any case). */
  ticket: string | null;
  /** Start of the SeQura order uuid (any case). */
  uuid: string | null;
  /** Exactly the last four digits of the shopper's mobile. */
  phoneLast4: string | null;
}

export interface SaleHit {
  id: string;
  created_at: string;
}

// Text columns compare as UTF-8 bytes: every string that starts with q sorts in [q, q + U+FFFF).
const AFTER = '\uffff';

export class SaleSearch {
  private readonly statements;

  constructor(
    private readonly db: TillDatabase,
    readonly realm: Realm,
  ) {
    const sql = db.sql;
    const created = 'created_at >= @from AND created_at < @before';
    const hits = <Key extends object>(index: string, where: string) =>
      sql.prepare<[Bounds & Key], SaleHit>(
        `SELECT id, created_at FROM sales INDEXED BY ${index} WHERE realm = @realm AND ${where} AND ${created}`,
      );
    this.statements = {
      byTicketStart: hits<Prefix>('sales_by_ticket_key', 'ticket_key >= @low AND ticket_key < @high'),
      byTicketEnd: hits<Prefix>('sales_by_ticket_tail', 'ticket_tail >= @low AND ticket_tail < @high'),
      byUuid: hits<Prefix>('sales_by_uuid', 'sequra_uuid >= @low AND sequra_uuid < @high'),
      byPhone: hits<{ phone: string }>('sales_by_phone', 'phone_last4 = @phone'),
      inRange: sql.prepare<[Bounds], SaleHit>(
        `SELECT id, created_at FROM sales INDEXED BY sales_by_created WHERE realm = @realm AND ${created}
         ORDER BY created_at DESC`,
      ),
      record: sql.prepare<[string, Realm], { record: string }>('SELECT record FROM sales WHERE id = ? AND realm = ?'),
    };
  }

  private bounds(range: CreatedRange): Bounds {
    return { realm: this.realm, from: range.from ?? '', before: range.before ?? AFTER };
  }

  /** Ids of the sales matching any of the keys, created in the range, newest first. */
  byKeys(keys: SaleKeys, range: CreatedRange): SaleHit[] {
    const bounds = this.bounds(range);
    const found = new Map<string, SaleHit>();
    const add = (rows: SaleHit[]) => rows.forEach((row) => found.set(row.id, row));
    this.db.read(() => {
      const start = ticketKey(keys.ticket);
      const end = ticketTail(keys.ticket);
      if (start) add(this.statements.byTicketStart.all({ ...bounds, low: start, high: start + AFTER }));
      if (end) add(this.statements.byTicketEnd.all({ ...bounds, low: end, high: end + AFTER }));
      const uuid = keys.uuid?.toLowerCase();
      if (uuid) add(this.statements.byUuid.all({ ...bounds, low: uuid, high: uuid + AFTER }));
      if (keys.phoneLast4) add(this.statements.byPhone.all({ ...bounds, phone: keys.phoneLast4 }));
    });
    return newestFirst([...found.values()]);
  }

  /** Ids of every sale created in the range, newest first. */
  inRange(range: CreatedRange): SaleHit[] {
    return this.db.read(() => this.statements.inRange.all(this.bounds(range)));
  }

  /** How SQLite runs each search statement (EXPLAIN QUERY PLAN), for checking that every one uses its index. */
  queryPlans(): Record<string, string[]> {
    return Object.fromEntries(
      Object.entries(this.statements).map(([name, statement]) => [
        name,
        this.db.sql
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${statement.source}`)
          .all(...placeholders(statement.source))
          .map((row) => row.detail),
      ]),
    );
  }

  /** The records of these sales, in the same order (a sale deleted meanwhile is left out). */
  records(hits: readonly SaleHit[]): SaleRecord[] {
    return this.db.read(() =>
      hits.flatMap((hit) => {
        const row = this.statements.record.get(hit.id, this.realm);
        return row ? [JSON.parse(row.record) as SaleRecord] : [];
      }),
    );
  }
}

interface Prefix {
  low: string;
  high: string;
}

interface Bounds {
  realm: Realm;
  from: string;
  before: string;
}

/** Stand-in values for a statement's parameters (the plan does not depend on them). */
function placeholders(source: string): unknown[] {
  const named = [...source.matchAll(/@(\w+)/g)].map((match) => match[1]!);
  if (named.length > 0) return [Object.fromEntries(named.map((name) => [name, name === 'realm' ? 'live' : 'x']))];
  return [...source.matchAll(/\?/g)].map(() => 'x');
}

function newestFirst(hits: SaleHit[]): SaleHit[] {
  return hits.sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
}
