import type BetterSqlite3 from 'better-sqlite3';

// The database schema, as numbered migrations on `PRAGMA user_version` (the way Signal Desktop does it):
// `MIGRATIONS[n]` turns a version-n database into a version-(n+1) one. Each runs in its own transaction
// together with the user_version bump, so a crash leaves the database at version n or n+1, never between.
//
// How to change the schema: append a migration (never edit or reorder a released one — tills in the field
// hold databases of every earlier version) and add its test to tests/integration/database.test.ts.
//
// Conventions: STRICT tables; times are ISO-8601 UTC text (they sort as text); money is integer cents;
// whole records the core already validates with zod are kept as JSON text next to the columns that are
// queried or indexed.
export type Migration = (db: BetterSqlite3.Database) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: the till's own facts, operators, PIN attempts and the audit log.
  (db) => {
    db.exec(`
      -- Small facts about this database: installation id, when it was created, whether a manager was ever
      -- created here (a database that had one never offers first-run manager creation again).
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- Operators are disabled, never deleted, so audit entries always resolve to someone. Ids are matched
      -- without regard to case ("ana" and "ANA" are one operator).
      CREATE TABLE operators (
        id TEXT PRIMARY KEY COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
        pin_hash TEXT NOT NULL, -- JSON of the PinHash (salt, parameters, hash); never the PIN
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        pin_changed_at TEXT NOT NULL,
        disabled_at TEXT
      ) STRICT;

      -- Wrong-PIN counters per key (an operator, "any manager PIN", the till as a whole).
      CREATE TABLE pin_attempts (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL CHECK (failures >= 0),
        locked_until TEXT,
        last_failure_at TEXT
      ) STRICT;

      -- The append-only audit log. \`line\` is the entry exactly as hashed into the chain (its JSON text);
      -- the other columns are copies for queries.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        target TEXT,
        line TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log (at);
    `);
  },
  // 1 → 2: sales (the journal of active sales and the finished-sale history in one table), the journal's
  // state per realm (current sale, ticket sequence), and the outbox. Training sales live in the same tables
  // under realm 'training', never mixed with live ones in any query.
  (db) => {
    db.exec(`
      -- One row per sale, from its creation to the end of its retention. archived = 0 while it is in the
      -- journal (in progress, or finished but not yet closed), 1 once it is history. \`record\` is the whole
      -- SaleRecord as JSON; the other columns are copies for the indexes (search, retention, uniqueness).
      CREATE TABLE sales (
        id TEXT PRIMARY KEY,
        realm TEXT NOT NULL CHECK (realm IN ('live', 'training')),
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        step TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        ticket_number TEXT,
        sequra_uuid TEXT,
        phone_last4 TEXT,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sales_by_realm ON sales (realm, archived, created_at);
      -- A ticket number (order_ref_1 at SeQura) is never handed out twice in a realm.
      CREATE UNIQUE INDEX sales_by_ticket ON sales (realm, ticket_number) WHERE ticket_number IS NOT NULL;
      CREATE INDEX sales_by_uuid ON sales (sequra_uuid) WHERE sequra_uuid IS NOT NULL;
      CREATE INDEX sales_by_phone ON sales (realm, phone_last4, created_at) WHERE phone_last4 IS NOT NULL;
      CREATE INDEX sales_by_finish ON sales (realm, archived, finished_at);

      CREATE TABLE sale_journal (
        realm TEXT PRIMARY KEY CHECK (realm IN ('live', 'training')),
        current_sale_id TEXT REFERENCES sales (id) ON DELETE SET NULL,
        -- Last ticket sequence handed out in this realm. Only ever grows.
        ticket_sequence INTEGER NOT NULL DEFAULT 0 CHECK (ticket_sequence >= 0)
      ) STRICT;

      -- SeQura calls that must eventually happen. \`record\` is the whole Instruction as JSON.
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        realm TEXT NOT NULL CHECK (realm IN ('live', 'training')),
        sale_id TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX outbox_by_realm ON outbox (realm, created_at);
      CREATE INDEX outbox_by_sale ON outbox (sale_id);
    `);
  },
  // 2 → 3: history search on indexes, the personal-data purge on an index, and the after-sale files.
  (db) => {
    db.exec(`
      -- Search keys, filled by the app with every write of a sale row: the ticket number in lower case
      -- (found by its start) and reversed (found by its end: the cashier types the number printed last on the
      -- slip). SQLite has no reverse(), so existing rows are filled below.
      ALTER TABLE sales ADD COLUMN ticket_key TEXT;
      ALTER TABLE sales ADD COLUMN ticket_tail TEXT;
      -- When the shopper's personal data was removed from the record (null while it is still there).
      ALTER TABLE sales ADD COLUMN purged_at TEXT;
      CREATE INDEX sales_by_ticket_key ON sales (realm, ticket_key) WHERE ticket_key IS NOT NULL;
      CREATE INDEX sales_by_ticket_tail ON sales (realm, ticket_tail) WHERE ticket_tail IS NOT NULL;
      CREATE INDEX sales_by_created ON sales (realm, created_at);
      -- The purge's work list: finished sales still holding personal data, oldest first.
      CREATE INDEX sales_to_purge ON sales (finished_at) WHERE purged_at IS NULL AND finished_at IS NOT NULL;

      -- A cancellation's or return's write-ahead intent, from before the sale is written until SeQura's final
      -- answer is applied to it (after-sale/after-sale-service.ts).
      CREATE TABLE after_sale_intents (
        instruction_id TEXT PRIMARY KEY,
        realm TEXT NOT NULL CHECK (realm IN ('live', 'training')),
        sale_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('cancel', 'return')),
        entry_id TEXT NOT NULL,
        at TEXT NOT NULL
      ) STRICT;

      -- Day closings: who closed which till-local day, when, and with what totals (a day closed again after
      -- late confirmations keeps every closing).
      CREATE TABLE day_closes (
        seq INTEGER PRIMARY KEY,
        realm TEXT NOT NULL CHECK (realm IN ('live', 'training')),
        day TEXT NOT NULL,
        closed_at TEXT NOT NULL,
        pending_confirmations INTEGER NOT NULL CHECK (pending_confirmations >= 0),
        net_financed_cents INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX day_closes_by_day ON day_closes (realm, day, seq);
    `);
    const rows = db
      .prepare<[], { id: string; ticket_number: string | null; record: string }>(
        'SELECT id, ticket_number, record FROM sales',
      )
      .all();
    const update = db.prepare<[string | null, string | null, string | null, string]>(
      'UPDATE sales SET ticket_key = ?, ticket_tail = ?, purged_at = ? WHERE id = ?',
    );
    for (const row of rows) {
      const timeline = (JSON.parse(row.record) as { timeline?: Array<{ event?: string; at?: string }> }).timeline;
      const purged = timeline?.find((entry) => entry.event === 'personal_data_purged')?.at ?? null;
      update.run(ticketKey(row.ticket_number), ticketTail(row.ticket_number), purged, row.id);
    }
  },
  // 3 → 4: the date-range search answers from the index alone (it lists ids newest first and reads only the
  // records it shows), and retention finds expired sales through an index.
  (db) => {
    db.exec(`
      DROP INDEX sales_by_created;
      CREATE INDEX sales_by_created ON sales (realm, created_at, id);
    `);
  },
  // 4 → 5: the last ticket number of a realm (remembered at every start) is found through an index instead of
  // sorting every sale.
  (db) => {
    db.exec(`
      CREATE INDEX sales_by_ticket_update ON sales (realm, updated_at) WHERE ticket_number IS NOT NULL;
    `);
  },
];

/** The ticket number as the history search matches its start (case does not matter). */
export function ticketKey(ticket: string | null): string | null {
  return ticket ? ticket.toLowerCase() : null;
}

/** The ticket number reversed, so that its end is found through an index like its start. */
export function ticketTail(ticket: string | null): string | null {
  return ticket ? [...ticket.toLowerCase()].reverse().join('') : null;
}

export const SCHEMA_VERSION = MIGRATIONS.length;
