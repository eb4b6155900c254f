import { recordActionInTransaction } from '../audit/action-audit.ts';
import type { TillDatabase } from '../db/database.ts';
import type { Realm } from '../journal/sale-rows.ts';
import type { Instruction } from './instruction.ts';

// Where the outbox keeps its instructions: the till database's `outbox` table, one row per instruction.
// Saving an instruction rewrites only its own row, so a backlog of queued confirmations costs nothing per
// write (the old outbox file was rewritten whole on every change).
export interface OutboxStore {
  load(): Instruction[];
  save(instruction: Instruction): void;
  /** Deletes a sale's finished (done or resolved) instructions. */
  forgetFinished(saleId: string): void;
  /** Several writes as one transaction (the outcome of an instruction and the sale it moves on). */
  atomically<T>(fn: () => T): T;
  /** Called when a transaction rolled back: in-memory copies reload. */
  onWriteFailed(listener: () => void): () => void;
  /** Runs `fn` once the transaction in progress has committed (dropped if it rolls back), or now outside one. */
  afterCommit(fn: () => void): void;
}

export function createOutboxStore(db: TillDatabase, realm: Realm): OutboxStore {
  const statements = {
    all: db.sql.prepare<[Realm], { record: string }>('SELECT record FROM outbox WHERE realm = ? ORDER BY created_at'),
    upsert: db.sql.prepare<
      [{ id: string; realm: Realm; sale_id: string; state: string; created_at: string; record: string }]
    >(
      `INSERT INTO outbox (id, realm, sale_id, state, created_at, record)
       VALUES (@id, @realm, @sale_id, @state, @created_at, @record)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, record = excluded.record`,
    ),
    forget: db.sql.prepare<[string, Realm]>(
      "DELETE FROM outbox WHERE sale_id = ? AND realm = ? AND state IN ('done', 'resolved')",
    ),
  };
  return {
    load: () => db.read(() => statements.all.all(realm)).map((row) => JSON.parse(row.record) as Instruction),
    save: (instruction) =>
      db.write(() => {
        statements.upsert.run({
          id: instruction.id,
          realm,
          sale_id: instruction.saleId,
          state: instruction.state,
          created_at: instruction.createdAt,
          record: JSON.stringify(instruction),
        });
        // A cashier's instruction (retry now, a confirmation) and its audit line are one write.
        recordActionInTransaction({ saleId: instruction.saleId, instructionId: instruction.id });
      }),
    forgetFinished: (saleId) => db.write(() => statements.forget.run(saleId, realm)),
    atomically: (fn) => db.write(fn),
    onWriteFailed: (listener) => db.onWriteFailed(listener),
    afterCommit: (fn) => db.afterCommit(fn),
  };
}
