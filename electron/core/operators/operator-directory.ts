import type { OperatorRole, OperatorView } from '../../../shared/ipc/admin-schemas.ts';
import type { TillDatabase } from '../db/database.ts';
import { getMeta, setMeta, setMetaOnce } from '../db/meta.ts';
import type { PinHash } from './pin-hash.ts';

// The till's real operators (cashiers and managers), in the `operators` table of the till database. Only PIN
// hashes are kept (pin-hash.ts). Operators are disabled, never deleted, so the audit log's operator refs
// always resolve to someone.
export interface StoredOperator {
  id: string;
  displayName: string;
  role: OperatorRole;
  pin: PinHash;
  createdAt: string;
  createdBy: string;
  pinChangedAt: string;
  disabledAt: string | null;
}

interface OperatorRow {
  id: string;
  display_name: string;
  role: OperatorRole;
  pin_hash: string;
  created_at: string;
  created_by: string;
  pin_changed_at: string;
  disabled_at: string | null;
}

/** Set (once, never cleared) when this database first holds a manager. */
export const MANAGER_CREATED_KEY = 'manager_created_at';
/**
 * Set when this database replaced one that was lost or damaged, or when an earlier version's operator file
 * could not be read: the operators that existed are gone, and that is a store-IT matter (docs/it-guide.md),
 * never a reason to let whoever stands at the till create the first manager again.
 */
export const OPERATORS_LOST_KEY = 'operators_lost';
/** The one-time permission store IT gave to create a first manager again (its token, once used). */
export const FIRST_RUN_REOPENED_KEY = 'first_run_reopened_with';

function fromRow(row: OperatorRow): StoredOperator {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    pin: JSON.parse(row.pin_hash) as PinHash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    pinChangedAt: row.pin_changed_at,
    disabledAt: row.disabled_at,
  };
}

export class OperatorDirectory {
  private readonly statements;

  constructor(private readonly db: TillDatabase) {
    const sql = db.sql;
    this.statements = {
      get: sql.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE id = ?'),
      all: sql.prepare<[], OperatorRow>('SELECT * FROM operators ORDER BY id'),
      activeManagers: sql.prepare<[], OperatorRow>(
        "SELECT * FROM operators WHERE role = 'manager' AND disabled_at IS NULL ORDER BY id",
      ),
      upsert: sql.prepare(
        `INSERT INTO operators (id, display_name, role, pin_hash, created_at, created_by, pin_changed_at, disabled_at)
         VALUES (@id, @displayName, @role, @pin, @createdAt, @createdBy, @pinChangedAt, @disabledAt)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
           pin_hash = excluded.pin_hash, pin_changed_at = excluded.pin_changed_at, disabled_at = excluded.disabled_at`,
      ),
    };
  }

  /** Operator ids are matched without regard to case: "ana" and "ANA" are one operator. */
  get(id: string): StoredOperator | undefined {
    const row = this.db.read(() => this.statements.get.get(id));
    return row ? fromRow(row) : undefined;
  }

  list(): OperatorView[] {
    return this.db
      .read(() => this.statements.all.all())
      .map(fromRow)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((o) => ({
        id: o.id,
        displayName: o.displayName,
        role: o.role,
        disabled: o.disabledAt !== null,
        createdAt: o.createdAt,
      }));
  }

  activeManagers(): StoredOperator[] {
    return this.db.read(() => this.statements.activeManagers.all()).map(fromRow);
  }

  put(operator: StoredOperator): void {
    this.db.write(() => {
      this.statements.upsert.run({ ...operator, pin: JSON.stringify(operator.pin) });
      if (operator.role === 'manager') setMetaOnce(this.db, MANAGER_CREATED_KEY, operator.createdAt);
    });
  }

  /**
   * Whether the sign-in screen may offer "create the first manager": only on a database that never held a
   * manager and did not replace a lost one — or once, with store IT's permission file (`reopenToken`).
   */
  firstRunAllowed(reopenToken: string | null): boolean {
    if (this.activeManagers().length > 0) return false;
    const everHadManager = getMeta(this.db, MANAGER_CREATED_KEY) !== null;
    const lost = getMeta(this.db, OPERATORS_LOST_KEY) !== null;
    if (!everHadManager && !lost) return true;
    return reopenToken !== null && getMeta(this.db, FIRST_RUN_REOPENED_KEY) !== reopenToken;
  }

  /** The reopen permission was used: the same file never opens first-run again. */
  consumeReopenToken(token: string): void {
    setMeta(this.db, FIRST_RUN_REOPENED_KEY, token);
  }

  /** Operators existed but are gone (a damaged or lost store): first-run creation stays closed. */
  markLost(detail: string): void {
    setMetaOnce(this.db, OPERATORS_LOST_KEY, detail);
  }

  operatorsLost(): boolean {
    return getMeta(this.db, OPERATORS_LOST_KEY) !== null && this.activeManagers().length === 0;
  }
}
