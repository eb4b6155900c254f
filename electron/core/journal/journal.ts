import { isFinal, type SaleRecord } from '../../../shared/sale/sale-record.ts';
import { recordActionInTransaction } from '../audit/action-audit.ts';
import type { TillDatabase } from '../db/database.ts';
import { saleRow, saleStatements, type Realm } from './sale-rows.ts';
import { TicketNumbers } from './ticket-numbers.ts';

// The sale journal: every sale that is not yet archived, the current sale and its ticket numbers, in the
// till database (`sales` rows with archived = 0, and `sale_journal`). Write-ahead: a sale's intent is
// committed before a SeQura call and its outcome after. Each change is one transaction; the sale service
// groups the writes of one outcome (sale row, outbox instruction) with `atomically`, and the cashier action
// being answered adds its audit entry to that same transaction (audit/action-audit.ts) — except to the
// write-ahead intent, which the sale service marks as such.
//
// The active sales are also kept in memory (this process is the only writer), and reloaded from the database
// whenever a transaction fails, so memory never claims something the disk does not hold.
export class SaleJournal {
  private sales = new Map<string, SaleRecord>();
  private currentSaleId: string | null = null;
  private readonly statements;
  private readonly tickets: TicketNumbers;

  constructor(
    private readonly db: TillDatabase,
    readonly realm: Realm,
    clock: () => Date = () => new Date(),
  ) {
    this.tickets = new TicketNumbers(db, clock);
    this.statements = {
      ...saleStatements(db),
      state: db.sql.prepare<[Realm], { current_sale_id: string | null; ticket_sequence: number }>(
        'SELECT current_sale_id, ticket_sequence FROM sale_journal WHERE realm = ?',
      ),
      ensureState: db.sql.prepare<[Realm]>('INSERT OR IGNORE INTO sale_journal (realm) VALUES (?)'),
      setCurrent: db.sql.prepare<[string | null, Realm]>('UPDATE sale_journal SET current_sale_id = ? WHERE realm = ?'),
      setSequence: db.sql.prepare<[number, Realm]>('UPDATE sale_journal SET ticket_sequence = ? WHERE realm = ?'),
    };
    db.write(() => this.statements.ensureState.run(realm));
    this.reload();
    this.detach = db.onWriteFailed(() => this.reload());
  }

  /** Stops following the database's failed writes (the core generation that owned it stopped). */
  readonly detach: () => void;

  /** Re-reads the active sales and the current sale from the database. */
  reload(): void {
    this.db.read(() => {
      this.sales = new Map(
        this.statements.active.all(this.realm).map((row) => {
          const sale = JSON.parse(row.record) as SaleRecord;
          return [sale.id, sale];
        }),
      );
      this.currentSaleId = this.statements.state.get(this.realm)?.current_sale_id ?? null;
    });
  }

  /**
   * Runs several writes as one transaction (all on disk, or none). If it fails, memory is reloaded from the
   * database (onWriteFailed) and the error rethrown (a storage fault as StorageError).
   */
  atomically<T>(fn: () => T): T {
    return this.db.write(fn);
  }

  get(id: string): SaleRecord | undefined {
    return this.sales.get(id);
  }

  current(): SaleRecord | null {
    return this.currentSaleId ? (this.sales.get(this.currentSaleId) ?? null) : null;
  }

  active(): SaleRecord[] {
    return [...this.sales.values()];
  }

  /** How many ticket numbers were handed out in this realm (at least; a count, not part of the numbers). */
  ticketSequence(): number {
    return this.db.read(() => this.statements.state.get(this.realm)?.ticket_sequence ?? 0);
  }

  put(sale: SaleRecord): void {
    this.atomically(() => {
      this.statements.upsert.run(saleRow(sale, this.realm, 0));
      this.sales.set(sale.id, sale);
      recordActionInTransaction({ saleId: sale.id });
    });
  }

  setCurrent(id: string | null): void {
    this.atomically(() => {
      // The sale being taken up or left (closing a sale writes only this).
      const concerned = id ?? this.currentSaleId;
      this.statements.setCurrent.run(id, this.realm);
      this.currentSaleId = id;
      if (concerned) recordActionInTransaction({ saleId: concerned });
    });
  }

  /** Creates a sale and makes it current in one transaction. */
  putCurrent(sale: SaleRecord): void {
    this.atomically(() => {
      this.put(sale);
      this.setCurrent(sale.id);
    });
  }

  /**
   * Hands out the next ticket number (journal/ticket-numbers.ts) and stores it on the sale in the same
   * transaction, so a crash can lose a number but never hand the same number out twice (the database refuses
   * a repeated one too). A sale that had a number gets a new one (SeQura said the old one was taken).
   */
  assignTicket(sale: SaleRecord): SaleRecord {
    return this.atomically(() => {
      const updated = { ...sale, ticketNumber: this.tickets.next(sale.storeRef, sale.tillId) };
      this.statements.setSequence.run(this.ticketSequence() + 1, this.realm);
      this.put(updated);
      return updated;
    });
  }

  /** Makes sure the ticket count is at least `floor` (carried over from an older version's files). */
  raiseTicketSequence(floor: number): boolean {
    return this.atomically(() => {
      if (floor <= this.ticketSequence()) return false;
      this.statements.setSequence.run(floor, this.realm);
      return true;
    });
  }

  /** Moves a finished sale to the history: the same row, marked archived, in one transaction. */
  archive(id: string): void {
    const sale = this.sales.get(id);
    if (!sale || !isFinal(sale.step)) return;
    this.atomically(() => {
      this.statements.upsert.run(saleRow(sale, this.realm, 1));
      if (this.currentSaleId === id) this.setCurrent(null);
      this.sales.delete(id);
      recordActionInTransaction({ saleId: id });
    });
  }
}
