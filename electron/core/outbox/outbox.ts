import type { OrderPayload, OrderUpdatePayload } from '../../../shared/order/payload.ts';
import type { OutboxItem } from '../../../shared/ipc/sale-schemas.ts';
import type { Logger } from '../log/logger.ts';
import { AppError, codeForSequraKind } from '../errors.ts';
import { SequraError } from '../sequra/errors.ts';
import type { OutboxStore } from './outbox-store.ts';
import { DEFAULT_BACKOFF, nextDelayMs, type BackoffPolicy } from './backoff.ts';
import { isOpen, type Instruction, type InstructionOutcome } from './instruction.ts';

// The durable outbox: the one place that retries SeQura writes that must eventually happen
// (confirmation, order reference, handover, cancellation, returns). Rules (docs/offline.md):
//  1. an instruction is on disk before its first try;
//  2. done only after a 2xx; a refusal (409/404) or the give-up horizon makes it "needs attention",
//     visible with its reason and never deleted;
//  3. at start, whatever was in flight goes back to pending (the PUTs are full-state: replaying is safe);
//  4. one writer (the app holds a single-instance lock) and per-sale ordering: a sale's instructions run
//     one at a time in order, while other sales go on, so one stuck sale never blocks another.
export interface OutboxExecutor {
  updateSolicitedOrder(uuid: string, payload: OrderPayload): Promise<void>;
  updateOrder(orderRef1: string, payload: OrderUpdatePayload): Promise<void>;
}

export interface OutboxOptions {
  store: OutboxStore;
  executor: OutboxExecutor;
  log: Logger;
  clock?: () => Date;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** How long to keep retrying before asking a person (default 72 h). */
  giveUpAfterMs?: number;
  /** Most calls in flight at once across sales. */
  concurrency?: number;
  /**
   * Least time between two attempts of one instruction, whatever schedules it (backoff jitter near 0, a
   * wake-up on reconnection while connectivity flaps): never a burst of identical requests. Default 500 ms.
   */
  minAttemptGapMs?: number;
  /**
   * Throws (a StorageError) when the till could not record what SeQura answers (a full or read-only disk):
   * asked before each call, which then is not made (TillDatabase.ensureRecordable).
   */
  ensureRecordable?: () => void;
}

type SettledListener = (instruction: Instruction, outcome: InstructionOutcome) => void;

export type NewInstruction = Pick<Instruction, 'id' | 'saleId' | 'kind' | 'request' | 'ticketNumber' | 'amountCents'>;

export class Outbox {
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly giveUpAfterMs: number;
  private readonly concurrency: number;
  private readonly minAttemptGapMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Attempts recorded inside a transaction that has not committed yet: sent once it has. */
  private readonly starting = new Set<string>();
  /** Successful answers waiting to be recorded, together, on the next turn of the event loop. */
  private answered: Array<{ instruction: Instruction; recorded: () => void }> = [];
  private recordAnsweredSoon: ReturnType<typeof setImmediate> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  // One writer (single-instance lock), so a write-through copy in memory is what the database holds (and is
  // reloaded from it whenever a transaction rolls back). Kept by id and by sale: with a backlog of a thousand
  // queued confirmations, anything that looks at every instruction on each change makes a drain grow with the
  // square of the backlog, so per-change work looks only at the sale concerned.
  private cache = new Map<string, Instruction>();
  /** Sale id → its instructions by id; sales in the order their first instruction arrived. */
  private bySale = new Map<string, Map<string, Instruction>>();
  private readonly settledListeners = new Set<SettledListener>();
  private readonly changeListeners = new Set<(saleId: string | null) => void>();

  constructor(private readonly options: OutboxOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 72 * 3600_000;
    this.concurrency = options.concurrency ?? 8;
    this.minAttemptGapMs = options.minAttemptGapMs ?? 500;
    this.reload();
    options.store.onWriteFailed(() => {
      // Attempts recorded in the transaction that rolled back were never sent: they are pending again on disk
      // (reloaded), and tried again shortly.
      const dropped = this.starting.size > 0;
      this.starting.clear();
      this.reload();
      if (dropped) this.pumpIn(UNRECORDED_RETRY_MS);
    });
  }

  /** Re-reads the instructions from the database (after a transaction rolled back, or the purge changed them). */
  reload(): void {
    this.cache = new Map();
    this.bySale = new Map();
    for (const instruction of this.options.store.load()) this.remember(instruction);
  }

  /** Memory only: callers have written it to disk first (or know the disk still holds the older copy). */
  private remember(instruction: Instruction): void {
    this.cache.set(instruction.id, instruction);
    let ofSale = this.bySale.get(instruction.saleId);
    if (!ofSale) {
      ofSale = new Map();
      this.bySale.set(instruction.saleId, ofSale);
    }
    ofSale.set(instruction.id, instruction);
  }

  /** An instruction reached its end (done, refused, or waiting for a person): its sale moves on. */
  onSettled(listener: SettledListener): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /**
   * Anything in the outbox changed (the pending list, the connectivity pill): the sale whose instructions
   * changed, or null when it may be any (a reload).
   */
  onChange(listener: (saleId: string | null) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(saleId: string | null): void {
    for (const listener of this.changeListeners) listener(saleId);
  }

  private all(): IterableIterator<Instruction> {
    return this.cache.values();
  }

  private save(instruction: Instruction): void {
    // Committed first: memory only ever follows what is on disk.
    this.options.store.save(instruction);
    this.remember(instruction);
  }

  start(): void {
    this.running = true;
    for (const instruction of [...this.all()]) {
      if (instruction.state === 'in_flight') {
        // The answer was lost with the process. The PUT is full-state: sending it again is safe.
        this.save({ ...instruction, state: 'pending', nextAttemptAt: this.clock().toISOString() });
        this.options.log.info('outbox.recovered_in_flight', { id: instruction.id, kind: instruction.kind });
      }
    }
    this.pump();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  get(id: string): Instruction | undefined {
    return this.cache.get(id);
  }

  forSale(saleId: string): Instruction[] {
    return [...(this.bySale.get(saleId)?.values() ?? [])].sort(byCreation);
  }

  /** Writes the instruction to disk, then tries it as soon as its sale's earlier instructions are done. */
  enqueue(input: NewInstruction): Instruction {
    const now = this.clock();
    const instruction: Instruction = {
      ...input,
      state: 'pending',
      attempts: 0,
      createdAt: now.toISOString(),
      nextAttemptAt: now.toISOString(),
      lastAttemptAt: null,
      giveUpAt: new Date(now.getTime() + this.giveUpAfterMs).toISOString(),
      lastError: null,
      lastErrorCode: null,
      finishedAt: null,
    };
    this.save(instruction);
    this.options.log.info('outbox.enqueued', { id: instruction.id, kind: instruction.kind, sale: instruction.saleId });
    this.changed(instruction.saleId);
    this.pumpAfterCommit();
    return instruction;
  }

  /** Closes instructions a later action of the cashier made moot (e.g. a refused confirmation retried). */
  resolve(id: string, note: string): void {
    const instruction = this.get(id);
    if (!instruction || instruction.state !== 'needs_attention') return;
    this.save({
      ...instruction,
      state: 'resolved',
      finishedAt: this.clock().toISOString(),
      lastError: `${instruction.lastError ?? ''} (${note})`.trim(),
    });
    this.changed(instruction.saleId);
    this.pump();
  }

  /**
   * "Try now": a pending (or needs-attention) instruction is retried at once, attempts kept — unless SeQura
   * asked to wait (Retry-After): then it goes at that time, and `waitUntil` says when, for the cashier.
   */
  retryNow(id: string): { accepted: boolean; waitUntil: string | null } {
    const instruction = this.get(id);
    if (!instruction || !(instruction.state === 'pending' || instruction.state === 'needs_attention'))
      return { accepted: false, waitUntil: null };
    if (!sendable(instruction))
      throw new AppError(
        'personal_data_removed',
        'The shopper’s personal data was removed (retention period): this call can no longer be sent to SeQura.',
      );
    const waitUntil = this.retryAfterPending(instruction);
    this.save({
      ...instruction,
      state: 'pending',
      nextAttemptAt: waitUntil ?? this.clock().toISOString(),
      outcome: null,
    });
    this.changed(instruction.saleId);
    this.pump();
    return { accepted: true, waitUntil };
  }

  /** Connectivity came back (SeQura answered): everything pending is due now (or at its Retry-After). */
  wakeAll(): void {
    const now = this.clock().toISOString();
    // One transaction for the whole backlog (one commit, not one per queued instruction).
    this.options.store.atomically(() => {
      for (const instruction of [...this.all()]) {
        if (instruction.state !== 'pending' || !instruction.nextAttemptAt || instruction.nextAttemptAt <= now) continue;
        const due = [this.retryAfterPending(instruction) ?? now, this.earliestByGap(instruction)].sort().at(-1)!;
        if (due < instruction.nextAttemptAt) this.save({ ...instruction, nextAttemptAt: due });
      }
    });
    this.pump();
  }

  /** The earliest time the gap since the instruction's last attempt allows. */
  private earliestByGap(instruction: Instruction): string {
    const last = instruction.lastAttemptAt ? Date.parse(instruction.lastAttemptAt) : 0;
    return new Date(Math.max(this.clock().getTime(), last + this.minAttemptGapMs)).toISOString();
  }

  /** The instruction's Retry-After time while it has not passed yet, else null. */
  private retryAfterPending(instruction: Instruction): string | null {
    const until = instruction.retryAfterUntil ?? null;
    return until !== null && until > this.clock().toISOString() ? until : null;
  }

  /** Waits until this instruction's current attempt (if any) has settled, so a cashier sees its answer. */
  async waitForAttempt(id: string, timeoutMs: number): Promise<Instruction | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const instruction = this.get(id);
      if (!instruction || (instruction.attempts > 0 && !this.inFlight.has(id))) return instruction;
      const current = this.inFlight.get(id);
      if (current) await Promise.race([current, sleep(Math.max(0, deadline - Date.now()))]);
      else await sleep(10);
    }
    return this.get(id);
  }

  /** What quitting would leave undone: open instructions (pending or in flight) and those needing a person. */
  counts(): { open: number; oldestOpenAt: string | null; needsAttention: number } {
    // One pass, nothing sorted or copied: asked on every outbox change (the status pill) and while draining.
    let open = 0;
    let oldestOpenAt: string | null = null;
    let needsAttention = 0;
    for (const instruction of this.all()) {
      if (isOpen(instruction)) {
        open += 1;
        if (oldestOpenAt === null || instruction.createdAt < oldestOpenAt) oldestOpenAt = instruction.createdAt;
      } else if (instruction.state === 'needs_attention') needsAttention += 1;
    }
    return { open, oldestOpenAt, needsAttention };
  }

  /**
   * What the status pill counts: work waiting for SeQura, plus work a person must look at. A refused
   * confirmation is left out: it is the sale on the cashier's screen ("not approved yet"), waiting for the
   * cashier, not for SeQura, and counting it would tell her something is stuck when nothing is.
   */
  summary(): { count: number; oldestAt: string | null } {
    let count = 0;
    let oldestAt: string | null = null;
    for (const i of this.all()) {
      if (isOpen(i) || (i.state === 'needs_attention' && !(i.kind === 'confirm' && isRefusalCode(i.lastErrorCode)))) {
        count += 1;
        if (oldestAt === null || i.createdAt < oldestAt) oldestAt = i.createdAt;
      }
    }
    return { count, oldestAt };
  }

  items(): OutboxItem[] {
    return [...this.all()].sort(byCreation).map((i) => ({
      id: i.id,
      saleId: i.saleId,
      kind: i.kind,
      state: i.state === 'resolved' ? 'done' : i.state,
      attempts: i.attempts,
      createdAt: i.createdAt,
      nextAttemptAt: i.nextAttemptAt,
      waitUntil: i.state === 'pending' ? this.retryAfterPending(i) : null,
      lastError: i.lastError,
      lastErrorCode:
        i.state === 'needs_attention' && !sendable(i)
          ? 'personal_data_removed'
          : i.lastErrorCode
            ? codeForSequraKind(i.lastErrorCode)
            : null,
      ticketNumber: i.ticketNumber,
      amountCents: i.amountCents,
    }));
  }

  /** Drops finished instructions of sales that have been archived (their history lives with the sale). */
  forgetSale(saleId: string): void {
    this.options.store.forgetFinished(saleId);
    const ofSale = this.bySale.get(saleId);
    if (!ofSale) return;
    for (const instruction of [...ofSale.values()]) {
      if (isOpen(instruction) || instruction.state === 'needs_attention') continue;
      ofSale.delete(instruction.id);
      this.cache.delete(instruction.id);
    }
    if (ofSale.size === 0) this.bySale.delete(saleId);
  }

  /**
   * An instruction enqueued inside a caller's transaction must not reach SeQura before that transaction has
   * committed (or at all, if it rolls back): the pump runs once the current synchronous code is done, and a
   * rolled-back instruction is gone from memory by then (reloaded on the failed write).
   */
  private pumpAfterCommit(): void {
    queueMicrotask(() => this.pump());
  }

  private pumpIn(ms: number): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => this.pump(), ms);
    this.timer.unref?.();
  }

  /**
   * Starts the attempts that are due, oldest first, up to the concurrency. Their attempts are recorded in one
   * transaction — the caller's when there is one (an outcome that freed a slot or queued the sale's next
   * instruction: the outcome and the next attempts are then one commit) — and each call is sent only once
   * that transaction has committed.
   */
  private pump(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock();
    const nowIso = now.toISOString();
    // Each sale's head that is due now, and the soonest time a later one is: one pass over the sales with
    // work, nothing sorted but the few heads that get a free slot (this runs after every attempt). Times are
    // compared as the ISO strings they are stored as (same format, so the order is the time order).
    const due: Instruction[] = [];
    let soonest: number | null = null;
    for (const ofSale of this.bySale.values()) {
      const head = saleHead(ofSale.values());
      if (!head || head.state !== 'pending' || this.inFlight.has(head.id)) continue;
      if (!head.nextAttemptAt || head.nextAttemptAt <= nowIso) due.push(head);
      else soonest = Math.min(soonest ?? Infinity, Date.parse(head.nextAttemptAt));
    }
    // Oldest first while there are more due heads than free slots.
    const free = Math.max(0, this.concurrency - this.inFlight.size - this.starting.size);
    const chosen = due.length <= free ? due : oldest(due, free);
    if (due.length > chosen.length) soonest = now.getTime() + 50;
    if (chosen.length > 0 && !this.attempt(chosen))
      soonest = Math.min(soonest ?? Infinity, now.getTime() + UNRECORDED_RETRY_MS);
    if (soonest !== null) {
      this.timer = setTimeout(() => this.pump(), Math.max(10, soonest - now.getTime()));
      this.timer.unref?.();
    }
  }

  /** Records the attempts and sends them once recorded; false when they could not be (then no call is made). */
  private attempt(instructions: Instruction[]): boolean {
    const startedAt = this.clock().toISOString();
    const marked = instructions.map((instruction): Instruction => ({
      ...instruction,
      state: 'in_flight',
      attempts: instruction.attempts + 1,
      lastAttemptAt: startedAt,
    }));
    try {
      this.options.ensureRecordable?.();
      this.options.store.atomically(() => {
        for (const instruction of marked) this.save(instruction);
      });
    } catch (error) {
      // The attempts or their outcomes cannot be recorded (a storage fault): SeQura is not called; tried again
      // shortly, and they go by themselves once the fault is gone. Inside a caller's transaction only this
      // part rolled back (a savepoint), so memory goes back to what the disk holds here.
      for (const instruction of instructions) this.remember(instruction);
      this.options.log.error('outbox.attempt_not_recorded', {
        ids: instructions.map((i) => i.id),
        error: error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown',
      });
      return false;
    }
    for (const instruction of marked) {
      this.starting.add(instruction.id);
      this.options.store.afterCommit(() => {
        this.starting.delete(instruction.id);
        this.send(instruction);
      });
    }
    return true;
  }

  /** Sends a recorded attempt and records its outcome. */
  private send(marked: Instruction): void {
    const run = this.execute(marked)
      .then(() => this.settleDoneSoon(marked))
      .catch((error: unknown) => {
        try {
          this.fail(marked, error);
        } catch (failure) {
          // The retry could not be recorded: on disk it is still in flight, which the next start (or the
          // next pump after a reload) turns back into pending. Memory says pending so it is tried again.
          this.remember({
            ...marked,
            state: 'pending',
            nextAttemptAt: new Date(this.clock().getTime() + UNRECORDED_RETRY_MS).toISOString(),
          });
          this.options.log.error('outbox.retry_not_recorded', {
            id: marked.id,
            error: failure instanceof Error ? ((failure as { code?: string }).code ?? failure.name) : 'unknown',
          });
        }
      })
      .finally(() => {
        this.inFlight.delete(marked.id);
        this.pump();
      });
    this.inFlight.set(marked.id, run);
  }

  private execute(instruction: Instruction): Promise<void> {
    const { request } = instruction;
    return request.target === 'solicited_order'
      ? this.options.executor.updateSolicitedOrder(request.uuid, request.payload)
      : this.options.executor.updateOrder(request.orderRef1, request.payload);
  }

  private fail(instruction: Instruction, error: unknown): void {
    const sequraError = error instanceof SequraError ? error : null;
    const code = sequraError?.kind ?? 'internal';
    const message = sequraError
      ? [sequraError.message, ...sequraError.messages].join(' — ').slice(0, 500)
      : 'unexpected error';
    // SeQura answered "no" (409 conflict/validation, 404 unknown order, a payload we could not even send):
    // replaying the same full-state request cannot change the answer. Everything else is transient.
    const refusal =
      sequraError && ['conflict', 'validation', 'not_found', 'invalid_payload'].includes(sequraError.kind);
    if (refusal) {
      this.settle([
        {
          instruction,
          outcome: {
            kind: 'refused',
            code,
            reasons: sequraError!.messages.length ? sequraError!.messages : [sequraError!.message],
            status: sequraError!.status ?? null,
          },
          lastError: message,
          lastErrorCode: code,
        },
      ]);
      return;
    }
    const now = this.clock();
    if (now.getTime() >= Date.parse(instruction.giveUpAt)) {
      this.settle([
        { instruction, outcome: { kind: 'gave_up', code, message }, lastError: message, lastErrorCode: code },
      ]);
      return;
    }
    const retryAfterMs = sequraError?.retryAfterMs ?? null;
    const delay = Math.max(
      nextDelayMs(instruction.attempts, this.backoff, this.random, retryAfterMs),
      this.minAttemptGapMs - (now.getTime() - Date.parse(instruction.lastAttemptAt ?? now.toISOString())),
    );
    this.save({
      ...instruction,
      state: 'pending',
      nextAttemptAt: new Date(now.getTime() + delay).toISOString(),
      retryAfterUntil: retryAfterMs === null ? null : new Date(now.getTime() + retryAfterMs).toISOString(),
      lastError: message,
      lastErrorCode: code,
    });
    this.options.log.warn('outbox.retry_scheduled', {
      id: instruction.id,
      kind: instruction.kind,
      code,
      attempts: instruction.attempts,
      delayMs: delay,
    });
    this.changed(instruction.saleId);
  }

  /**
   * A 2xx is recorded on the next turn of the event loop, with the other answers that came in meanwhile: one
   * commit for several (the answers of concurrent calls arrive together while a backlog drains). Resolves once
   * recorded (or found unrecordable); nothing that depends on it (the sale's next instruction) is sent before.
   */
  private settleDoneSoon(instruction: Instruction): Promise<void> {
    return new Promise((recorded) => {
      this.answered.push({ instruction, recorded });
      this.recordAnsweredSoon ??= setImmediate(() => {
        this.recordAnsweredSoon = null;
        const batch = this.answered.splice(0);
        try {
          this.settle(batch.map(({ instruction: answered }) => ({ instruction: answered, outcome: { kind: 'done' } })));
        } finally {
          for (const { recorded: done } of batch) done();
        }
      });
    });
  }

  private settle(
    items: Array<{
      instruction: Instruction;
      outcome: InstructionOutcome;
      lastError?: string | null;
      lastErrorCode?: string | null;
    }>,
  ): void {
    const finishedAt = this.clock().toISOString();
    // The outcome goes to disk with the final state: if the process dies before the sale is updated, the
    // sale service replays it at the next start (SaleService.resume).
    const settled = items.map(({ instruction, outcome, lastError = null, lastErrorCode = null }) => ({
      instruction,
      outcome,
      settled: {
        ...instruction,
        state: outcome.kind === 'done' ? 'done' : 'needs_attention',
        nextAttemptAt: null,
        finishedAt,
        lastError,
        lastErrorCode,
        outcome,
      } satisfies Instruction,
    }));
    try {
      // An instruction's outcome and what it moves on (the sale's step, its next instruction) are one
      // transaction: a crash leaves both before or both after, never a sale that missed its outcome. Several
      // outcomes are one transaction too: all recorded, or none (then all are sent again later).
      this.options.store.atomically(() => {
        for (const { instruction, outcome, settled: final } of settled) {
          this.save(final);
          for (const listener of this.settledListeners) listener(final, outcome);
          this.inFlight.delete(instruction.id);
        }
        // Their slots are free, and their sales' next instructions may be queued: those attempts join this commit.
        this.pump();
      });
    } catch (error) {
      // Not recorded (a storage fault): nothing changed on disk. SeQura's answer is not lost, only unrecorded:
      // the full-state PUT is sent again later (safe to replay) and its answer recorded then.
      const retryAt = new Date(this.clock().getTime() + UNRECORDED_RETRY_MS).toISOString();
      for (const { instruction, outcome } of settled) {
        this.remember({ ...instruction, state: 'pending', nextAttemptAt: retryAt });
        this.options.log.error('outbox.outcome_not_recorded', {
          id: instruction.id,
          kind: instruction.kind,
          outcome: outcome.kind,
          error: error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown',
        });
        this.changed(instruction.saleId);
      }
      return;
    }
    for (const { instruction, outcome } of settled) {
      this.options.log.info('outbox.settled', {
        id: instruction.id,
        kind: instruction.kind,
        outcome: outcome.kind,
        attempts: instruction.attempts,
      });
      this.changed(instruction.saleId);
    }
  }
}

/** How soon an instruction whose outcome could not be recorded (storage fault) is tried again. */
const UNRECORDED_RETRY_MS = 5_000;

/** SeQura said no (as opposed to: never answered before the give-up horizon). */
function isRefusalCode(code: string | null): boolean {
  return code === 'conflict' || code === 'validation';
}

/** A sale's oldest instruction that is not finished: the only one of the sale allowed to run. */
function saleHead(instructions: Iterable<Instruction>): Instruction | null {
  let head: Instruction | null = null;
  for (const instruction of instructions) {
    if (instruction.state === 'done' || instruction.state === 'resolved') continue;
    if (head === null || byCreation(instruction, head) < 0) head = instruction;
  }
  return head;
}

/** The `count` oldest of `instructions` (count is at most the concurrency: a few), oldest first. */
function oldest(instructions: Instruction[], count: number): Instruction[] {
  const chosen: Instruction[] = [];
  for (const instruction of instructions) {
    let at = chosen.length;
    while (at > 0 && byCreation(instruction, chosen[at - 1]!) < 0) at -= 1;
    if (at < count) {
      chosen.splice(at, 0, instruction);
      if (chosen.length > count) chosen.pop();
    }
  }
  return chosen;
}

function byCreation(a: Instruction, b: Instruction): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A confirmation or order reference whose payload lost the shopper's data to the personal-data purge cannot be
 * sent again (SeQura needs the customer in it); an order update can (it takes the customer as optional).
 */
function sendable(instruction: Instruction): boolean {
  return !instruction.personalDataRemovedAt || instruction.request.target === 'order_update';
}
