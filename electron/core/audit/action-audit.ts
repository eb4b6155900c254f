import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../errors.ts';
import type { AuditEntryInput, AuditLog } from './audit-log.ts';

// A cashier's action on a sale and its audit line are one transaction. The dispatcher knows who acted and on
// what (actor, channel, sale id); only the sale stores know which transaction records the action's outcome.
// So the dispatcher opens a pending action for the call (AsyncLocalStorage: it follows the handler through its
// awaits without being passed down every service), and the stores that hold a sale's outcome — the sale
// journal, the history, the outbox — call `recordActionInTransaction()` inside each of their writes. The
// first such write about the sale the call names takes the entry into its transaction; the others find it
// taken. So a sale's outcome written in several rows must be one transaction (`atomically`), which it is.
//
// Why not simply "the dispatcher writes it after the handler": then a crash (or a full disk) between the
// outcome's commit and the audit's left a recorded step nobody is recorded as having done.
//
// Two kinds of write say what they are:
//   - the write-ahead intent before a SeQura call (`asWriteAhead`): the call's result is not known yet, and the
//     outcome write that follows carries the line;
//   - a write of the outcome of a step that then fails (`asRefusal`): the line says refused, with the code the
//     cashier is shown, still in that transaction.
// Whatever wrote nothing (a refusal before any write, a failure before the outcome, a channel that writes no
// sale) gets its line from the dispatcher once the handler has answered (`PendingAction.settle`), as does a
// call whose outcome transaction rolled back. One line per call either way.
export interface ActionSubject {
  actor: string;
  action: string;
  target: string | null;
}

type Result = Pick<AuditEntryInput, 'outcome' | 'detail'>;

/** What a store's write is about. */
export interface WriteSubject {
  saleId: string;
  instructionId?: string;
}

const current = new AsyncLocalStorage<PendingAction>();

export class PendingAction {
  /** The entry went into a transaction (it may still roll back). */
  private written = false;
  /** That transaction committed: the line is on disk. */
  private committed = false;
  /**
   * The handler has answered. Work it started that runs on (an outbox drain kicked by the call) inherits the
   * context and must not write this call's line in its own transactions.
   */
  private closed = false;
  private writeAhead = false;
  private refusal: Result | null = null;

  constructor(
    private readonly audit: AuditLog,
    private readonly subject: ActionSubject,
  ) {}

  /** Runs the handler with this action pending; closes it when the handler has answered. */
  async run<T>(handler: () => Promise<T>): Promise<T> {
    try {
      return await current.run(this, handler);
    } finally {
      this.closed = true;
    }
  }

  /** The dispatcher's line for a call whose outcome did not carry one (see the header). */
  settle(result: Result): void {
    if (this.committed) return;
    this.audit.record({ ...this.subject, ...result });
  }

  /** Called by a store inside its write transaction. */
  recordInTransaction(about: WriteSubject): void {
    if (this.closed || this.written || this.writeAhead || !this.concerns(about)) return;
    this.written = true;
    this.audit.recordInTransaction({ ...this.subject, ...(this.refusal ?? { outcome: 'ok' }) }, () => {
      this.committed = true;
    });
  }

  /**
   * Background work the call started, or a timer created during it, inherits the context too: a write about
   * another sale (an automatic retry, another sale's confirmation settling) must never carry this call's line.
   * A call that names no sale (creating one) writes before its first await, so nothing else can come first.
   */
  private concerns(about: WriteSubject): boolean {
    const target = this.subject.target;
    return (
      target === null ||
      target === `saleId:${about.saleId}` ||
      (about.instructionId !== undefined && target === `instructionId:${about.instructionId}`)
    );
  }

  during<T>(change: { writeAhead?: boolean; refusal?: Result }, fn: () => T): T {
    const before = { writeAhead: this.writeAhead, refusal: this.refusal };
    this.writeAhead = change.writeAhead ?? this.writeAhead;
    this.refusal = change.refusal ?? this.refusal;
    try {
      return fn();
    } finally {
      this.writeAhead = before.writeAhead;
      this.refusal = before.refusal;
    }
  }
}

/**
 * For the sale stores, inside each write: writes the pending cashier action's audit line in the transaction in
 * progress, if this write is about the sale (or instruction) the action names.
 */
export function recordActionInTransaction(about: WriteSubject): void {
  current.getStore()?.recordInTransaction(about);
}

/** A write-ahead intent (before a SeQura call): not the action's outcome, so it carries no audit line. */
export function asWriteAhead<T>(fn: () => T): T {
  const action = current.getStore();
  return action ? action.during({ writeAhead: true }, fn) : fn();
}

/** The outcome of a step that the call then throws `error` for: its audit line says so. */
export function asRefusal<T>(error: unknown, fn: () => T): T {
  const action = current.getStore();
  return action ? action.during({ refusal: auditResultOf(error) }, fn) : fn();
}

/** How a failed call is audited: the cashier's refusals by their code, anything else as an internal failure. */
export function auditResultOf(error: unknown): Result {
  return error instanceof AppError
    ? { outcome: 'refused', detail: error.code }
    : { outcome: 'failed', detail: 'internal' };
}
