import {
  cumulativeReturned,
  effectiveReturns,
  previewReturn,
  returnableLines,
  type ReturnDraft,
} from '../../../shared/after-sale/returns.ts';
import { localIsoDate } from '../../../shared/time/local-date.ts';
import { allows } from '../../../shared/sale/sale-machine.ts';
import type {
  BlockReason,
  HistorySearchInput,
  SaleDetail,
  SaleSummary,
} from '../../../shared/ipc/after-sale-schemas.ts';
import type { OutboxItem } from '../../../shared/ipc/sale-schemas.ts';
import {
  buildCancellationUpdate,
  buildReturnUpdate,
  type OrderContext,
} from '../../../shared/order/build-order-payload.ts';
import type { OrderUpdatePayload } from '../../../shared/order/payload.ts';
import type {
  AfterSaleUpdateState,
  CancellationReason,
  SaleCancellation,
  SaleReturn,
  SequraAnswer,
} from '../../../shared/sale/after-sale-record.ts';
import { SaleCartSchema, type SaleCart } from '../../../shared/sale/cart.ts';
import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import { makeShopperSchema } from '../../../shared/sale/shopper.ts';
import { AppError } from '../errors.ts';
import { orderContextFor } from '../sale/order-context.ts';
import type { Logger } from '../log/logger.ts';
import type { ManagerAuthorizer } from '../operators/manager-authorizer.ts';
import type { Instruction, InstructionOutcome } from '../outbox/instruction.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { createdRange, type SaleSources } from './sale-sources.ts';
import type { SaleKeys } from '../journal/sale-search.ts';
import type { AfterSaleIntents } from './after-sale-store.ts';
import {
  cancellations,
  cancelledAtSequra,
  currentFinancedCents,
  financedCents,
  hasPendingUpdate,
  isConfirmed,
  normalizeSale,
  phoneLast4,
  summarize,
} from './sale-view.ts';

// After the sale: finding a sale, its page, cancelling it, returns and partial refunds, reprints.
//
// Cancellations and returns after confirmation are SeQura order updates (sequra-api.md §2.6: both carts empty to
// cancel; a reduced shipped_cart with refunds as negative other_payment items to return). They go through the
// durable outbox like every other SeQura write, with the same write-ahead discipline as the sale service:
//   1. the intent is written to a small index (so a crash between the next two writes is repaired at start);
//   2. the return / cancellation is recorded on the sale as `pending`, audited in its timeline;
//   3. the instruction (a full-state PUT, safe to replay) is queued;
//   4. SeQura's final answer (onInstructionSettled) marks it done / refused on the sale.
// Only one return may wait at a time per sale: each update carries the whole cart, so a second one queued
// behind a first that SeQura then refuses would silently carry the refused items too.

export interface AfterSaleTill {
  merchantId: string;
  storeRef: string;
  tillId: string;
  /** The till itself runs in training mode (against the training sandbox). */
  training: boolean;
  requireNinControl: boolean;
  usesShippedCart: boolean;
}

export interface AfterSaleServiceDeps {
  sources: SaleSources;
  outbox: Outbox;
  authorizer: ManagerAuthorizer;
  intents: AfterSaleIntents;
  /**
   * One transaction: the outcome of a manager's cancel or return (write-ahead row, the sale, its outbox
   * instruction) and, through the stores, the action's audit line (audit/action-audit.ts) commit together.
   */
  atomically: <T>(fn: () => T) => T;
  till: AfterSaleTill;
  appVersion: string;
  platformUname: string;
  /** The sale service's own local abandon, for sales not confirmed yet. */
  cancelBeforeConfirmation: (saleId: string) => SaleRecord;
  operatorRef: () => string;
  /** The name an operator ref is shown by, or null when the till does not know it (a removed operator). */
  operatorName: (ref: string) => string | null;
  log: Logger;
  clock: () => Date;
  emitSale: (sale: SaleRecord) => void;
  /** How long an action waits for SeQura's first answer before saying "queued" (the manager is at the till). */
  firstAnswerWaitMs?: number;
}

const MAX_TIMELINE = 200;
/** The client's error kind → the HTTP status SeQura answered with, for the sale's page. */
const STATUS_OF_KIND: Record<string, number> = {
  conflict: 409,
  validation: 409,
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  rate_limited: 429,
};

const euros = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });
const money = (cents: number) => euros.format(cents / 100);

export class AfterSaleService {
  constructor(private readonly deps: AfterSaleServiceDeps) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  // ------------------------------------------------------------------------------------------- search

  search(input: HistorySearchInput): { results: SaleSummary[]; total: number } {
    // A training till's own sales are training sales; a live till reads the training ones only when asked.
    const index = this.deps.sources.searchOf(input.training && !this.deps.till.training);
    if (!index) return { results: [], total: 0 };
    const range = createdRange({ from: input.from, to: input.to });
    const query = input.query.trim();
    const hits = query === '' ? index.inRange(range) : index.byKeys(searchKeys(query, input.key), range);
    // Without a status filter every hit is a result: only the page shown is read. A status is worked out
    // from the whole record, so filtering by status reads every hit.
    const byStatus = input.statuses.length > 0;
    const matches: SaleSummary[] = [];
    for (const sale of index.records(byStatus ? hits : hits.slice(0, input.limit))) {
      const summary = summarize(sale, matchQuery(sale, query, input.key) || null);
      if (byStatus && !summary.flags.some((flag) => input.statuses.includes(flag))) continue;
      matches.push(summary);
    }
    return { results: matches.slice(0, input.limit), total: byStatus ? matches.length : hits.length };
  }

  // --------------------------------------------------------------------------------------------- page

  detail(saleId: string): SaleDetail {
    const found = this.deps.sources.find(saleId);
    if (!found) throw new AppError('not_found', 'That sale is not in this till’s history.');
    return this.detailOf(found.sale, found.where === 'training_folder');
  }

  private detailOf(rawSale: SaleRecord, fromTrainingFolder: boolean): SaleDetail {
    const sale = normalizeSale(rawSale);
    const instructions: OutboxItem[] = fromTrainingFolder
      ? []
      : this.deps.outbox.items().filter((item) => item.saleId === sale.id);
    return {
      sale,
      summary: summarize(sale),
      source: fromTrainingFolder ? 'training_folder' : 'till',
      instructions,
      returnable: returnableLines(sale.cart, sale.returns),
      actions: allowedActions(sale, fromTrainingFolder),
      operatorNames: this.operatorNames(sale),
    };
  }

  /** Names for every operator ref the sale's page shows (who sold, who authorised, who did what). */
  private operatorNames(sale: SaleRecord): Record<string, string> {
    const refs = new Set([
      sale.operatorRef,
      ...sale.returns.map((r) => r.authorizedBy),
      ...cancellations(sale).map((c) => c.authorizedBy),
      ...sale.timeline.flatMap((entry) => (entry.operator ? [entry.operator] : [])),
    ]);
    const names: Record<string, string> = {};
    for (const ref of refs) {
      const name = this.deps.operatorName(ref);
      if (name) names[ref] = name;
    }
    return names;
  }

  private load(saleId: string): SaleRecord {
    const found = this.deps.sources.find(saleId);
    if (!found) throw new AppError('not_found', 'That sale is not in this till’s history.');
    if (found.where === 'training_folder') {
      throw new AppError('conflict', 'Training sales are read only on a live till.');
    }
    return found.sale;
  }

  // ------------------------------------------------------------------------------------- cancellation

  async cancel(input: {
    saleId: string;
    requestId: string;
    managerPin: string;
    reason: CancellationReason;
    note: string;
  }): Promise<{
    detail: SaleDetail;
    outcome: 'abandoned_locally' | 'done' | 'queued' | 'refused';
  }> {
    let sale = this.load(input.saleId);
    const repeated = cancellations(sale).find((c) => c.requestId === input.requestId);
    if (repeated) return { detail: this.detailOf(sale, false), outcome: outcomeOf(repeated.state) };

    let actions = allowedActions(sale, false);
    if (actions.cancel === 'before_confirmation') {
      // SeQura has no cancel for an unconfirmed order: the solicitation is abandoned here and simply expires
      // there. The sale service does exactly that (and the renderer says so); no manager PIN is needed.
      const cancelled = this.deps.cancelBeforeConfirmation(sale.id);
      return { detail: this.detailOf(cancelled, false), outcome: 'abandoned_locally' };
    }
    if (actions.cancel !== 'after_confirmation') throw blocked(actions.cancelBlocked ?? 'not_confirmed');

    const manager = await this.deps.authorizer.authorizeManager(input.managerPin, 'sale.cancel');
    // The sale may have moved while the PIN was checked (the same request sent twice included): judge it
    // again on its latest copy.
    sale = this.load(input.saleId);
    const meanwhile = cancellations(sale).find((c) => c.requestId === input.requestId);
    if (meanwhile) return { detail: this.detailOf(sale, false), outcome: outcomeOf(meanwhile.state) };
    actions = allowedActions(sale, false);
    if (actions.cancel !== 'after_confirmation') throw blocked(actions.cancelBlocked ?? 'not_confirmed');

    const now = this.now();
    const id = `C${cancellations(sale).length + 1}`;
    const instructionId = `${sale.id}-cancel-${id}`;
    const payload = buildCancellationUpdate({ context: this.context(sale), orderRef1: sale.ticketNumber! });
    const entry: SaleCancellation = {
      id,
      requestId: input.requestId,
      requestedAt: now,
      authorizedBy: manager.operatorRef,
      reason: input.reason,
      note: input.note.trim().slice(0, 200),
      financedBeforeCents: currentFinancedCents(sale),
      instructionId,
      state: 'pending',
      settledAt: null,
      answer: null,
    };
    const postSale = { cancellations: [...cancellations(sale), entry], reprints: sale.postSale?.reprints ?? 0 };
    const detail = `${id} · ${input.reason}${entry.note ? ` · ${entry.note}` : ''} · ${money(entry.financedBeforeCents)}`;
    this.deps.atomically(() => {
      this.supersedeRefused(sale.id);
      this.writeAhead({ instructionId, saleId: sale.id, kind: 'cancel', entryId: id, at: now });
      this.save(appendTimeline({ ...sale, postSale }, now, 'cancel_requested', detail, manager.operatorRef));
      this.deps.outbox.enqueue({
        id: instructionId,
        saleId: sale.id,
        kind: 'cancel',
        request: { target: 'order_update', orderRef1: sale.ticketNumber!, payload },
        ticketNumber: sale.ticketNumber,
        amountCents: entry.financedBeforeCents,
      });
    });
    this.deps.log.info('after_sale.cancel_requested', { sale: sale.id, id, by: manager.operatorRef });
    const settled = await this.firstAnswer(sale.id, instructionId, 'cancel', id);
    const latest = cancellations(settled).find((c) => c.id === id)!;
    return { detail: this.detailOf(settled, false), outcome: outcomeOf(latest.state) };
  }

  // ------------------------------------------------------------------------------------------ returns

  async returnItems(input: { saleId: string; requestId: string; managerPin: string } & ReturnDraft): Promise<{
    detail: SaleDetail;
    returnId: string;
    outcome: 'done' | 'queued' | 'refused';
  }> {
    let sale = this.load(input.saleId);
    const repeated = sale.returns.find((r) => r.requestId === input.requestId);
    if (repeated)
      return { detail: this.detailOf(sale, false), returnId: repeated.id, outcome: outcomeOf(repeated.state) };

    this.checkReturnAllowed(sale);
    // Checked before the PIN too, so a mistyped quantity does not cost the manager a PIN attempt.
    this.checkDraft(sale, input);
    const manager = await this.deps.authorizer.authorizeManager(input.managerPin, 'sale.return');
    sale = this.load(input.saleId);
    const meanwhile = sale.returns.find((r) => r.requestId === input.requestId);
    if (meanwhile)
      return { detail: this.detailOf(sale, false), returnId: meanwhile.id, outcome: outcomeOf(meanwhile.state) };
    this.checkReturnAllowed(sale);

    const id = `R${sale.returns.length + 1}`;
    const refundIds = input.refunds.map((_, index) => `${id}-${index + 1}`);
    const preview = this.checkDraft(sale, input, refundIds);
    const lines = input.lines.filter((line) => line.quantity > 0);
    const refunds = input.refunds.map((refund, index) => ({
      id: refundIds[index]!,
      amountCents: refund.amountCents,
      reason: refund.reason.trim().slice(0, 120),
    }));
    const cart = SaleCartSchema.parse(sale.cart);
    const payload = this.returnPayload(sale, cart, cumulativeReturned(sale.returns, { lines, refunds }));

    const now = this.now();
    const instructionId = `${sale.id}-return-${id}`;
    const entry: SaleReturn = {
      id,
      requestId: input.requestId,
      requestedAt: now,
      authorizedBy: manager.operatorRef,
      lines,
      refunds,
      returnedGoodsCents: preview.returnedGoodsCents,
      refundsCents: preview.refundsCents,
      financedBeforeCents: preview.financedBeforeCents,
      financedAfterCents: preview.financedAfterCents,
      instructionId,
      state: 'pending',
      settledAt: null,
      answer: null,
    };
    const detail = `${id} · −${money(entry.returnedGoodsCents + entry.refundsCents)} · ${money(entry.financedBeforeCents)} → ${money(entry.financedAfterCents)}`;
    this.deps.atomically(() => {
      this.supersedeRefused(sale.id);
      this.writeAhead({ instructionId, saleId: sale.id, kind: 'return', entryId: id, at: now });
      this.save(
        appendTimeline(
          { ...sale, returns: [...sale.returns, entry] },
          now,
          'return_requested',
          detail,
          manager.operatorRef,
        ),
      );
      this.deps.outbox.enqueue({
        id: instructionId,
        saleId: sale.id,
        kind: 'return',
        request: { target: 'order_update', orderRef1: sale.ticketNumber!, payload },
        ticketNumber: sale.ticketNumber,
        amountCents: entry.returnedGoodsCents + entry.refundsCents,
      });
    });
    this.deps.log.info('after_sale.return_requested', { sale: sale.id, id, by: manager.operatorRef });
    const settled = await this.firstAnswer(sale.id, instructionId, 'return', id);
    const latest = settled.returns.find((r) => r.id === id)!;
    return { detail: this.detailOf(settled, false), returnId: id, outcome: outcomeOf(latest.state) };
  }

  private checkReturnAllowed(sale: SaleRecord): void {
    const actions = allowedActions(sale, false);
    if (!actions.return) throw blocked(actions.returnBlocked ?? 'not_confirmed');
  }

  private checkDraft(sale: SaleRecord, draft: ReturnDraft, refundIds?: string[]) {
    const cart = SaleCartSchema.safeParse(sale.cart);
    if (!cart.success)
      throw new AppError('conflict', 'This sale’s cart cannot be read back; it cannot be returned from the till.');
    const preview = previewReturn(cart.data, sale.returns, draft, refundIds);
    if (!preview.ok) {
      throw new AppError('invalid_request', returnProblem(preview.code), { fields: { return: preview.code } });
    }
    return preview;
  }

  /**
   * The order update for a return. The shopper's details travel with it when the record still has them; after
   * the privacy purge they are gone and the update is built without them (buildReturnUpdate leaves the customer
   * and the addresses out). Either way the payload is checked against OrderUpdatePayloadSchema before it leaves.
   */
  private returnPayload(
    sale: SaleRecord,
    cart: SaleCart,
    returned: ReturnType<typeof cumulativeReturned>,
  ): OrderUpdatePayload {
    const shopper = makeShopperSchema({
      today: localIsoDate(sale.createdAt),
      requireNinControl: this.deps.till.requireNinControl,
    }).safeParse(sale.shopper);
    return buildReturnUpdate({
      cart,
      shopper: shopper.success ? shopper.data : null,
      context: this.context(sale),
      orderRef1: sale.ticketNumber!,
      returned,
    });
  }

  // ------------------------------------------------------------------------------------------ reprint

  reprint(input: { saleId: string; slip: 'sale' | 'return' | 'cancellation'; returnId: string | null }): SaleDetail {
    const found = this.deps.sources.find(input.saleId);
    if (!found) throw new AppError('not_found', 'That sale is not in this till’s history.');
    const sale = found.sale;
    if (!isConfirmed(sale)) throw new AppError('conflict', 'Only a confirmed sale has a slip.');
    if (input.slip === 'return' && !sale.returns.some((r) => r.id === input.returnId))
      throw new AppError('not_found', 'That return is not on this sale.');
    if (input.slip === 'cancellation' && cancellations(sale).length === 0)
      throw new AppError('not_found', 'This sale was not cancelled.');
    // A training sale seen from a live till is only read: its copy is shown but the read-only folder is not audited.
    if (found.where === 'training_folder') return this.detailOf(sale, true);
    const now = this.now();
    // Language-neutral, like every timeline detail: the ticket, and which return or cancellation.
    const ticket = sale.ticketNumber ?? sale.id;
    const which =
      input.slip === 'return'
        ? `${ticket} · ${input.returnId}`
        : input.slip === 'cancellation'
          ? `${ticket} · ${cancellations(sale).at(-1)!.id}`
          : ticket;
    const postSale = { cancellations: cancellations(sale), reprints: (sale.postSale?.reprints ?? 0) + 1 };
    const saved = this.save(
      appendTimeline({ ...sale, postSale }, now, 'slip_reprinted', which, this.deps.operatorRef()),
    );
    return this.detailOf(saved, false);
  }

  // ----------------------------------------------------------------------------------- SeQura's answer

  /** Called by the outbox when a cancel or return instruction reaches its final outcome. */
  onInstructionSettled(instruction: Instruction, outcome: InstructionOutcome): void {
    if (instruction.kind !== 'cancel' && instruction.kind !== 'return') return;
    const found = this.deps.sources.find(instruction.saleId);
    if (!found || found.where === 'training_folder') {
      this.deps.log.warn('after_sale.settled_without_sale', { id: instruction.id });
      return;
    }
    const sale = found.sale;
    const now = this.now();
    const state: AfterSaleUpdateState =
      outcome.kind === 'done' ? 'done' : outcome.kind === 'refused' ? 'refused' : 'gave_up';
    const answer: SequraAnswer | null =
      outcome.kind === 'done'
        ? null
        : outcome.kind === 'refused'
          ? {
              status: outcome.status ?? STATUS_OF_KIND[outcome.code] ?? null,
              code: outcome.code.slice(0, 40),
              // SeQura's own words (the client's wrapper text adds nothing a manager can use).
              message: (outcome.reasons.join(' — ') || instruction.lastError || outcome.code).slice(0, 500),
              reasons: outcome.reasons.slice(0, 20).map((r) => r.slice(0, 500)),
              at: now,
            }
          : {
              status: STATUS_OF_KIND[outcome.code] ?? null,
              code: outcome.code.slice(0, 40),
              message: outcome.message.slice(0, 500),
              reasons: [],
              at: now,
            };
    const answerText = answer
      ? `${answer.status ?? answer.code}: ${answer.reasons.join(' | ') || answer.message}`
      : undefined;

    let updated: SaleRecord | null = null;
    const already = [...sale.returns, ...cancellations(sale)].find((u) => u.instructionId === instruction.id);
    if (already && already.state === state && already.settledAt !== null) {
      // Replayed at start after it had been applied (crash before the intent was cleared): nothing new.
      this.forgetIntent(instruction.id);
      return;
    }
    if (instruction.kind === 'return') {
      const entry = sale.returns.find((r) => r.instructionId === instruction.id);
      if (entry) {
        const returns = sale.returns.map((r) => (r.id === entry.id ? { ...r, state, settledAt: now, answer } : r));
        const event = state === 'done' ? 'return_done' : state === 'refused' ? 'return_refused' : 'return_gave_up';
        const detail =
          state === 'done' ? `${entry.id} · ${money(entry.financedAfterCents)}` : `${entry.id} · ${answerText}`;
        updated = appendTimeline({ ...sale, returns }, now, event, detail, 'SeQura');
      }
    } else {
      const entry = cancellations(sale).find((c) => c.instructionId === instruction.id);
      if (entry) {
        const list = cancellations(sale).map((c) => (c.id === entry.id ? { ...c, state, settledAt: now, answer } : c));
        const event =
          state === 'done' ? 'cancelled_at_sequra' : state === 'refused' ? 'cancel_refused' : 'cancel_gave_up';
        const detail = state === 'done' ? entry.id : `${entry.id} · ${answerText}`;
        updated = appendTimeline(
          { ...sale, postSale: { cancellations: list, reprints: sale.postSale?.reprints ?? 0 } },
          now,
          event,
          detail,
          'SeQura',
        );
      }
    }
    if (!updated) {
      this.deps.log.warn('after_sale.settled_without_entry', { id: instruction.id, sale: sale.id });
    } else {
      this.save(updated);
      this.deps.log.info('after_sale.settled', { id: instruction.id, sale: sale.id, outcome: state });
    }
    this.forgetIntent(instruction.id);
  }

  /**
   * Waits for the first attempt so the manager sees SeQura's answer at the till. A problem that the outbox
   * keeps retrying (403 while IT fixes the credentials, SeQura unreachable…) is written on the sale so it is
   * shown there, not only in the pending list.
   */
  private async firstAnswer(
    saleId: string,
    instructionId: string,
    kind: 'cancel' | 'return',
    entryId: string,
  ): Promise<SaleRecord> {
    const instruction = await this.deps.outbox.waitForAttempt(instructionId, this.deps.firstAnswerWaitMs ?? 15_000);
    const sale = this.load(saleId);
    if (!instruction || instruction.state !== 'pending' || !instruction.lastError) return sale;
    const now = this.now();
    const answer: SequraAnswer = {
      status: STATUS_OF_KIND[instruction.lastErrorCode ?? ''] ?? null,
      code: (instruction.lastErrorCode ?? 'unknown').slice(0, 40),
      message: instruction.lastError.slice(0, 500),
      reasons: [],
      at: now,
    };
    const withAnswer: SaleRecord =
      kind === 'return'
        ? {
            ...sale,
            returns: sale.returns.map((r) => (r.id === entryId && r.state === 'pending' ? { ...r, answer } : r)),
          }
        : {
            ...sale,
            postSale: {
              cancellations: cancellations(sale).map((c) =>
                c.id === entryId && c.state === 'pending' ? { ...c, answer } : c,
              ),
              reprints: sale.postSale?.reprints ?? 0,
            },
          };
    return this.save(
      appendTimeline(
        withAnswer,
        now,
        `${kind}_retrying`,
        `${entryId} · ${answer.status ?? answer.code}: ${answer.message}`,
        'SeQura',
      ),
    );
  }

  // ------------------------------------------------------------------------------------ durability

  /**
   * At start: an intent whose instruction is missing is a crash between writing the sale and queueing the
   * update. The sale still says "pending", so the same full-state update is rebuilt and queued; an intent
   * whose sale never got the entry is dropped (nothing was promised to anyone).
   */
  resume(): void {
    for (const [instructionId, intent] of this.deps.intents.all()) {
      const queued = this.deps.outbox.get(instructionId);
      if (queued) {
        // Settled on disk but the sale was never told (a crash between the outbox's write and ours): the
        // outcome the outbox kept is applied now. Still open: nothing to do, its answer will come.
        if ((queued.state === 'done' || queued.state === 'needs_attention') && queued.outcome)
          this.onInstructionSettled(queued, queued.outcome);
        continue;
      }
      const found = this.deps.sources.find(intent.saleId);
      const sale = found && found.where !== 'training_folder' ? found.sale : null;
      const entry = sale
        ? intent.kind === 'return'
          ? sale.returns.find((r) => r.instructionId === instructionId)
          : cancellations(sale).find((c) => c.instructionId === instructionId)
        : undefined;
      if (!sale || !entry || entry.state !== 'pending') {
        this.forgetIntent(instructionId);
        continue;
      }
      try {
        const payload =
          intent.kind === 'cancel'
            ? buildCancellationUpdate({ context: this.context(sale), orderRef1: sale.ticketNumber! })
            : this.returnPayload(
                sale,
                SaleCartSchema.parse(sale.cart),
                cumulativeReturned(effectiveReturns(sale.returns)),
              );
        this.deps.outbox.enqueue({
          id: instructionId,
          saleId: sale.id,
          kind: intent.kind,
          request: { target: 'order_update', orderRef1: sale.ticketNumber!, payload },
          ticketNumber: sale.ticketNumber,
          amountCents:
            intent.kind === 'cancel'
              ? (entry as SaleCancellation).financedBeforeCents
              : (entry as SaleReturn).returnedGoodsCents + (entry as SaleReturn).refundsCents,
        });
        this.deps.log.info('after_sale.resume_reenqueued', { id: instructionId, sale: sale.id });
      } catch (error) {
        this.deps.log.error('after_sale.resume_failed', {
          id: instructionId,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
  }

  private writeAhead(intent: {
    instructionId: string;
    saleId: string;
    kind: 'cancel' | 'return';
    entryId: string;
    at: string;
  }): void {
    const { instructionId, ...rest } = intent;
    this.deps.intents.add(instructionId, rest);
  }

  private forgetIntent(instructionId: string): void {
    this.deps.intents.remove(instructionId);
  }

  /**
   * A new update replaces SeQura's carts as a whole, so an older refused one must never be retried after it
   * (it would bring back what the new one changed): it is closed as superseded.
   */
  private supersedeRefused(saleId: string): void {
    for (const instruction of this.deps.outbox.forSale(saleId)) {
      if ((instruction.kind === 'cancel' || instruction.kind === 'return') && instruction.state === 'needs_attention') {
        this.deps.outbox.resolve(instruction.id, 'superseded by a later update');
      }
    }
  }

  private save(sale: SaleRecord): SaleRecord {
    const open = this.deps.outbox
      .forSale(sale.id)
      .filter((i) => i.state === 'pending' || i.state === 'in_flight').length;
    const stamped = { ...sale, updatedAt: this.now(), pendingInstructions: open };
    this.deps.sources.persist(stamped);
    this.deps.emitSale(stamped);
    return stamped;
  }

  private context(sale: SaleRecord): OrderContext {
    return orderContextFor(sale, this.deps.till, this.deps.appVersion, this.deps.platformUname);
  }
}

// ------------------------------------------------------------------------------------------- helpers

/** Which after-sale actions the sale allows now, and why not when it does not. */
export function allowedActions(sale: SaleRecord, fromTrainingFolder: boolean): SaleDetail['actions'] {
  const none = (reason: BlockReason) => ({ cancel: null, cancelBlocked: reason, return: false, returnBlocked: reason });
  if (fromTrainingFolder) return none('training_folder');
  if (allows(sale.step, 'cancel'))
    return { cancel: 'before_confirmation', cancelBlocked: null, return: false, returnBlocked: 'not_confirmed' };
  if (sale.step === 'confirming') return none('confirmation_pending');
  if (sale.step === 'cancelled') return none('already_cancelled');
  if (!isConfirmed(sale)) return none('not_confirmed');
  if (!sale.ticketNumber) return none('no_ticket');
  if (cancelledAtSequra(sale)) return none('already_cancelled');
  if (cancellations(sale).some((c) => c.state === 'pending')) return none('cancellation_pending');
  if (currentFinancedCents(sale) === 0 && financedCents(sale) > 0) {
    // Everything financed was returned: SeQura's order is already empty (cancelled).
    return none('nothing_left');
  }
  const returnPending = hasPendingUpdate(sale);
  return {
    cancel: 'after_confirmation',
    cancelBlocked: null,
    return: !returnPending,
    returnBlocked: returnPending ? 'update_pending' : null,
  };
}

function blocked(reason: BlockReason): AppError {
  const messages: Record<BlockReason, string> = {
    training_folder: 'Training sales are read only on a live till.',
    not_confirmed: 'This sale was never confirmed: there is nothing at SeQura to cancel or return.',
    confirmation_pending: 'The confirmation is still waiting for SeQura’s answer; try again once it has one.',
    already_cancelled: 'This sale is already cancelled.',
    cancellation_pending: 'A cancellation of this sale is already waiting for SeQura.',
    update_pending: 'A return of this sale is still waiting for SeQura; the next one can go once SeQura has answered.',
    nothing_left: 'Everything SeQura financed for this sale has been returned already.',
    no_ticket: 'This sale has no ticket number, so SeQura’s order update cannot address it.',
  };
  return new AppError('conflict', messages[reason], { reasons: [reason] });
}

function returnProblem(code: string): string {
  switch (code) {
    case 'return.exceeds_financed':
      return 'That is more than SeQura finances for this sale; give the rest back at the till, or cancel the whole sale.';
    case 'return.quantity_exceeds_sold':
      return 'More units than were sold (after earlier returns).';
    case 'return.nothing_returned':
      return 'Pick at least one unit or one refund.';
    default:
      return 'The return is not valid.';
  }
}

function outcomeOf(state: SaleReturn['state']): 'done' | 'queued' | 'refused' {
  return state === 'done' ? 'done' : state === 'pending' ? 'queued' : 'refused';
}

function appendTimeline(
  sale: SaleRecord,
  at: string,
  event: string,
  detail: string | undefined,
  operator: string,
): SaleRecord {
  const entry = { at, event, ...(detail ? { detail: detail.slice(0, 300) } : {}), operator: operator.slice(0, 64) };
  const timeline = [...sale.timeline, entry];
  return {
    ...sale,
    timeline: timeline.length > MAX_TIMELINE ? [timeline[0]!, ...timeline.slice(-(MAX_TIMELINE - 1))] : timeline,
  };
}

/** false = no match; otherwise which key matched (null when the query is empty: everything matches). */
export function matchQuery(
  sale: SaleRecord,
  rawQuery: string,
  key: HistorySearchInput['key'],
): SaleSummary['matchedBy'] | false {
  const query = rawQuery.trim().toLowerCase();
  if (query === '') return null;
  const digits = query.replace(/\D/g, '');
  const phoneQuery = /^[\d\s().+-]+$/.test(query) && digits.length >= 4;
  if ((key === 'any' || key === 'ticket') && (sale.ticketNumber ?? '').toLowerCase().includes(query)) return 'ticket';
  if (key === 'any' || key === 'uuid') {
    const uuids = [sale.solicitation?.uuid, ...sale.abandonedSolicitations.map((a) => a.uuid)].filter(
      (u): u is string => !!u,
    );
    if (uuids.some((uuid) => uuid.toLowerCase().includes(query))) return 'uuid';
  }
  if ((key === 'any' || key === 'phone') && phoneQuery && phoneLast4(sale) === digits.slice(-4)) return 'phone';
  return false;
}

/**
 * What the index is asked for: the ticket number by its start or end, the uuid by its start, and a query of
 * phone characters with at least four digits by the last four of them.
 */
function searchKeys(query: string, key: HistorySearchInput['key']): SaleKeys {
  const digits = query.replace(/\D/g, '');
  const phoneQuery = /^[\d\s().+-]+$/.test(query) && digits.length >= 4;
  return {
    ticket: key === 'any' || key === 'ticket' ? query : null,
    uuid: key === 'any' || key === 'uuid' ? query : null,
    phoneLast4: (key === 'any' || key === 'phone') && phoneQuery ? digits.slice(-4) : null,
  };
}
