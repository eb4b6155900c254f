import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import { recordActionInTransaction } from '../audit/action-audit.ts';
import type { TillDatabase } from '../db/database.ts';
import { saleRow, saleStatements, type Realm } from './sale-rows.ts';

// Finished sales: `sales` rows with archived = 1. Archiving a sale rewrites only its own row, so its cost
// does not grow with the number of past sales, and start-up does not read history at all.
export class SaleHistory {
  private readonly statements;

  constructor(
    private readonly db: TillDatabase,
    readonly realm: Realm,
  ) {
    const sql = db.sql;
    this.statements = {
      ...saleStatements(db),
      months: sql.prepare<[Realm], { month: string }>(
        'SELECT DISTINCT substr(created_at, 1, 7) AS month FROM sales WHERE realm = ? AND archived = 1 ORDER BY month',
      ),
      ofMonth: sql.prepare<[Realm, string, string], { record: string }>(
        'SELECT record FROM sales WHERE realm = ? AND archived = 1 AND created_at >= ? AND created_at < ? ORDER BY created_at',
      ),
      removeBefore: sql.prepare<[Realm, string]>(
        // Every archived sale is final, so it has finished_at (sale-rows.ts): the (realm, archived,
        // finished_at) index finds the expired ones without reading the others.
        'DELETE FROM sales INDEXED BY sales_by_finish WHERE realm = ? AND archived = 1 AND finished_at < ?',
      ),
      archivedById: sql.prepare<[string, Realm], { record: string }>(
        'SELECT record FROM sales WHERE id = ? AND realm = ? AND archived = 1',
      ),
    };
  }

  /** Stores (or rewrites) a finished sale in the history. */
  add(sale: SaleRecord): void {
    this.db.write(() => {
      this.statements.upsert.run(saleRow(sale, this.realm, 1));
      // A cashier's action on a finished sale (a reprint, a return) and its audit line are one write.
      recordActionInTransaction({ saleId: sale.id });
    });
  }

  get(id: string): SaleRecord | null {
    const row = this.db.read(() => this.statements.archivedById.get(id, this.realm));
    return row ? (JSON.parse(row.record) as SaleRecord) : null;
  }

  /** The UTC months (YYYY-MM of creation) that hold finished sales, oldest first. */
  months(): string[] {
    return this.db.read(() => this.statements.months.all(this.realm)).map((row) => row.month);
  }

  /**
   * Retention: deletes finished sales that ended before `cutoffIso` (machine config `retentionDays`), so
   * personal data is not kept longer than the store's policy. Returns how many were removed.
   */
  removeFinishedBefore(cutoffIso: string): number {
    return this.db.write(() => this.statements.removeBefore.run(this.realm, cutoffIso).changes);
  }

  /** Every archived sale of a month (for search and reports). */
  salesOf(month: string): SaleRecord[] {
    const [year, mon] = month.split('-').map(Number) as [number, number];
    const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
    return this.db
      .read(() => this.statements.ofMonth.all(this.realm, month, next))
      .map((row) => JSON.parse(row.record) as SaleRecord);
  }
}
