import type { OperatorRole, OperatorView } from '../../../shared/ipc/admin-schemas.ts';
import type { KeyValueStore, StoreFactory } from '../storage/store.ts';
import type { PinHash } from './pin-hash.ts';

// The till's real operators (cashiers and managers) in their own store file, operators.json in the data
// directory. Only PIN hashes are kept (pin-hash.ts). Operators are disabled, never deleted, so the audit log's
// operator refs always resolve to someone.
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

export interface OperatorsFile extends Record<string, unknown> {
  schemaVersion: 1;
  operators: Record<string, StoredOperator>;
}

export class OperatorDirectory {
  private readonly store: KeyValueStore<OperatorsFile>;

  constructor(createStore: StoreFactory, dataDir: string) {
    this.store = createStore<OperatorsFile>({
      name: 'operators',
      cwd: dataDir,
      defaults: { schemaVersion: 1, operators: {} },
    });
  }

  private all(): Record<string, StoredOperator> {
    return { ...this.store.get('operators') };
  }

  /** Operator ids are matched without regard to case: "ana" and "ANA" are one operator. */
  get(id: string): StoredOperator | undefined {
    const wanted = id.toUpperCase();
    return Object.values(this.all()).find((o) => o.id.toUpperCase() === wanted);
  }

  list(): OperatorView[] {
    return Object.values(this.all())
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
    return Object.values(this.all()).filter((o) => o.role === 'manager' && o.disabledAt === null);
  }

  put(operator: StoredOperator): void {
    const operators = this.all();
    // Keep the stored key stable for an existing operator whatever case the caller used.
    const existing = Object.keys(operators).find((key) => key.toUpperCase() === operator.id.toUpperCase());
    if (existing && existing !== operator.id) delete operators[existing];
    operators[operator.id] = operator;
    this.store.set('operators', operators);
  }
}
