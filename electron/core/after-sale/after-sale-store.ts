import type { DayReport } from '../../../shared/ipc/after-sale-schemas.ts';
import type { TillDatabase } from '../db/database.ts';
import type { Realm } from '../journal/sale-rows.ts';

// After-sale's own rows in the till database: the write-ahead intents of cancellations and returns, and the
// day closings. Each change is one small transaction (or joins the caller's).

/** A cancellation's or return's intent: written before the sale, removed once SeQura's answer is on the sale. */
export interface AfterSaleIntent {
  saleId: string;
  kind: 'cancel' | 'return';
  entryId: string;
  at: string;
}

export class AfterSaleIntents {
  private readonly statements;

  constructor(
    private readonly db: TillDatabase,
    private readonly realm: Realm,
  ) {
    this.statements = {
      all: db.sql.prepare<
        [Realm],
        { instruction_id: string; sale_id: string; kind: 'cancel' | 'return'; entry_id: string; at: string }
      >('SELECT instruction_id, sale_id, kind, entry_id, at FROM after_sale_intents WHERE realm = ? ORDER BY at'),
      add: db.sql.prepare<[string, Realm, string, string, string, string]>(
        `INSERT OR REPLACE INTO after_sale_intents (instruction_id, realm, sale_id, kind, entry_id, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      remove: db.sql.prepare<[string, Realm]>('DELETE FROM after_sale_intents WHERE instruction_id = ? AND realm = ?'),
    };
  }

  /** instructionId → intent, oldest first. */
  all(): Array<[string, AfterSaleIntent]> {
    return this.db
      .read(() => this.statements.all.all(this.realm))
      .map((row) => [row.instruction_id, { saleId: row.sale_id, kind: row.kind, entryId: row.entry_id, at: row.at }]);
  }

  add(instructionId: string, intent: AfterSaleIntent): void {
    this.db.write(() =>
      this.statements.add.run(instructionId, this.realm, intent.saleId, intent.kind, intent.entryId, intent.at),
    );
  }

  remove(instructionId: string): void {
    this.db.write(() => this.statements.remove.run(instructionId, this.realm));
  }
}

export type DayClosure = DayReport['closures'][number];

/** The report keeps the last 100 closings of a day. */
const CLOSINGS_SHOWN = 100;

export class DayCloses {
  private readonly statements;

  constructor(
    private readonly db: TillDatabase,
    private readonly realm: Realm,
  ) {
    this.statements = {
      ofDay: db.sql.prepare<
        [Realm, string, number],
        { closed_at: string; pending_confirmations: number; net_financed_cents: number }
      >(
        `SELECT closed_at, pending_confirmations, net_financed_cents FROM
           (SELECT * FROM day_closes WHERE realm = ? AND day = ? ORDER BY seq DESC LIMIT ?)
         ORDER BY seq`,
      ),
      add: db.sql.prepare<[Realm, string, string, number, number]>(
        `INSERT INTO day_closes (realm, day, closed_at, pending_confirmations, net_financed_cents)
         VALUES (?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** The closings of a till-local day ('YYYY-MM-DD'), oldest first. */
  of(day: string): DayClosure[] {
    return this.db
      .read(() => this.statements.ofDay.all(this.realm, day, CLOSINGS_SHOWN))
      .map((row) => ({
        closedAt: row.closed_at,
        pendingConfirmations: row.pending_confirmations,
        netFinancedCents: row.net_financed_cents,
      }));
  }

  add(day: string, closure: DayClosure): void {
    this.db.write(() =>
      this.statements.add.run(
        this.realm,
        day,
        closure.closedAt,
        closure.pendingConfirmations,
        closure.netFinancedCents,
      ),
    );
  }
}
