import type { OutboxItem } from '../../../shared/ipc/sale-schemas.ts';
import { localIsoDate } from '../../../shared/time/local-date.ts';
import {
  buildHandoverUpdate,
  buildOrderPayload,
  type OrderContext,
} from '../../../shared/order/build-order-payload.ts';
import type { OrderPayload } from '../../../shared/order/payload.ts';
import { SaleCartSchema, cartTotals } from '../../../shared/sale/cart.ts';
import { formFieldsForSequraReasons } from '../../../shared/order/sequra-field-paths.ts';
import { classifyRefusal, isTicketNumberTaken } from '../../../shared/sale/refusal.ts';
import {
  isFinal,
  type CartDraft,
  type PaymentOption,
  type SaleRecord,
  type ShopperDraftInput,
} from '../../../shared/sale/sale-record.ts';
import { makeShopperSchema, type Shopper } from '../../../shared/sale/shopper.ts';
import { fieldErrors } from '../../../shared/sale/validation-codes.ts';
import { allows, canMove, inCashiersHands, type SaleAction } from '../../../shared/sale/sale-machine.ts';
import { asRefusal, asWriteAhead } from '../audit/action-audit.ts';
import { AppError } from '../errors.ts';
import { orderContextFor } from './order-context.ts';
import type { Logger } from '../log/logger.ts';
import type { ManagerAuthorizer } from '../operators/manager-authorizer.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Instruction, InstructionOutcome } from '../outbox/instruction.ts';
import type { SaleJournal } from '../journal/journal.ts';
import { flattenPaymentMethods, type PaymentMethods } from '../sequra/responses.ts';
import type { SequraClient } from '../sequra/client.ts';
import { SequraError } from '../sequra/errors.ts';
import { newSaleRecord, withTimeline } from './sale-factory.ts';
import { toAppError, toErrorSummary } from './sequra-errors.ts';

// The cashier's sale, step by step. Every step follows the same write-ahead pattern:
//   1. check the sale is at a step where this action makes sense (else a `conflict` error);
//   2. write the intent (the new in-flight step) to the journal;
//   3. call SeQura;
//   4. write the outcome (next step, or the step to fall back to with the error shown).
// So a crash at any point leaves a journal that says exactly what was being done, and `resume()`
// turns each in-flight step into the truthful state (see resume()).
// The cashier's audit line for the press goes into the outcome's transaction, never the intent's
// (audit/action-audit.ts): the intent is marked `asWriteAhead`, an outcome the press then fails with
// `asRefusal`, and an outcome written in several rows is one `atomically`.
export interface TillSettings {
  merchantId: string;
  storeRef: string;
  tillId: string;
  training: boolean;
  requireNinControl: boolean;
  usesShippedCart: boolean;
  /** Products store IT allows on this till; null = whatever SeQura offers. */
  allowedProducts: string[] | null;
  /** While a confirmation is pending: keep the goods (default) or let a manager release them. */
  offlineGoodsRelease: 'hold' | 'manager_pin';
}

export interface SaleServiceDeps {
  journal: SaleJournal;
  outbox: Outbox;
  client: SequraClient;
  till: TillSettings;
  appVersion: string;
  platformUname: string;
  operatorRef: () => string;
  authorizer: ManagerAuthorizer;
  newId: () => string;
  log: Logger;
  clock: () => Date;
  emitSale: (sale: SaleRecord) => void;
  /**
   * Throws a StorageError when the till could not record SeQura's answer (full or read-only disk): asked
   * before every SeQura call a cashier's press makes, so no call is made whose outcome would be lost.
   */
  ensureRecordable?: () => void;
}

/** How long the cashier's confirm press waits for SeQura's first answer before showing "pending". */
const CONFIRM_WAIT_MS = 20_000;
/** How many times one sale takes a new ticket number by itself after SeQura says its number is taken. */
const MAX_TICKET_RENUMBERS = 3;

export class SaleService {
  /** Product lists being loaded, by sale and solicitation (see loadPaymentOptions). */
  private readonly productLoads = new Map<string, Promise<SaleRecord>>();

  constructor(private readonly deps: SaleServiceDeps) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  private save(sale: SaleRecord): SaleRecord {
    const stored = this.deps.journal.get(sale.id);
    if (!stored) {
      // Every sale is created with putCurrent; one missing here was archived meanwhile, and writing it back
      // would resurrect it with a stale step. Nothing legitimate saves an archived sale.
      this.deps.log.warn('sale.stale_write_dropped', { sale: sale.id, step: sale.step });
      return sale;
    }
    // Every step change follows the state machine's table; one it does not list is a bug, never journalled.
    if (!canMove(stored.step, sale.step)) {
      this.deps.log.error('sale.step_change_refused', { sale: sale.id, from: stored.step, to: sale.step });
      throw new Error(`sale step change ${stored.step} → ${sale.step} is not in the state machine`);
    }
    const stamped = {
      ...sale,
      updatedAt: this.now(),
      pendingInstructions: this.openInstructions(sale.id),
      abandonedSolicitations: boundedAbandoned(sale.abandonedSolicitations),
    };
    this.deps.journal.put(stamped);
    this.deps.emitSale(stamped);
    return stamped;
  }

  private openInstructions(saleId: string): number {
    return this.deps.outbox.forSale(saleId).filter((i) => i.state === 'pending' || i.state === 'in_flight').length;
  }

  /** The sale, if the state machine lets the cashier take `action` at its step (shared/sale/sale-machine.ts). */
  private load(saleId: string, action: SaleAction): SaleRecord {
    const sale = this.deps.journal.get(saleId);
    if (!sale) throw new AppError('not_found', 'That sale is not in the journal.');
    if (!allows(sale.step, action)) {
      throw new AppError('conflict', `The sale is at step "${sale.step}", where "${action}" is not possible.`);
    }
    return sale;
  }

  private context(sale: SaleRecord): OrderContext {
    return orderContextFor(sale, this.deps.till, this.deps.appVersion, this.deps.platformUname);
  }

  private today(): string {
    // The shopper's age is judged on the till's local calendar day.
    return localIsoDate(this.deps.clock());
  }

  private validated(sale: SaleRecord): { cart: CartDraft; shopper: Shopper } {
    const cart = SaleCartSchema.safeParse(sale.cart);
    const shopper = makeShopperSchema({
      today: this.today(),
      requireNinControl: this.deps.till.requireNinControl,
    }).safeParse(sale.shopper);
    if (!cart.success || !shopper.success) {
      const fields: Record<string, string> = {};
      if (!cart.success)
        for (const [path, code] of Object.entries(fieldErrors(cart.error))) fields[`cart.${path}`] = code;
      if (!shopper.success)
        for (const [path, code] of Object.entries(fieldErrors(shopper.error))) fields[`shopper.${path}`] = code;
      throw new AppError('invalid_request', 'The sale is not complete yet.', { fields });
    }
    return { cart: cart.data, shopper: shopper.data };
  }

  // ------------------------------------------------------------------------------------------ queries

  current(): SaleRecord | null {
    return this.deps.journal.current();
  }

  outboxItems(): OutboxItem[] {
    return this.deps.outbox.items();
  }

  // --------------------------------------------------------------------------------------- draft steps

  /** A new sale, or the current one if it is still in the cashier's hands (never two at once). */
  create(): SaleRecord {
    const current = this.current();
    if (current && inCashiersHands(current.step)) return current;
    const { till } = this.deps;
    const sale = newSaleRecord({
      id: this.deps.newId(),
      now: this.now(),
      training: till.training,
      storeRef: till.storeRef,
      tillId: till.tillId,
      operatorRef: this.deps.operatorRef(),
    });
    // The finished sale put away and the new one made current: one outcome, one transaction.
    this.deps.journal.atomically(() => {
      if (current && isFinal(current.step)) this.deps.journal.archive(current.id);
      this.deps.journal.putCurrent(sale);
    });
    this.deps.emitSale(sale);
    return sale;
  }

  saveDraft(input: { saleId: string; stage: 'cart' | 'shopper'; cart: CartDraft; shopper: ShopperDraftInput }): {
    sale: SaleRecord;
    problems: { cart: Record<string, string>; shopper: Record<string, string> };
  } {
    const sale = this.load(input.saleId, 'edit');
    // Editing a queued start takes it out of the queue: the cashier is changing what will be sent.
    const saved = this.save({
      ...sale,
      step: 'draft',
      draftStage: input.stage,
      cart: input.cart,
      shopper: input.shopper,
    });
    const cart = SaleCartSchema.safeParse(saved.cart);
    const shopper = makeShopperSchema({
      today: this.today(),
      requireNinControl: this.deps.till.requireNinControl,
    }).safeParse(saved.shopper);
    return {
      sale: saved,
      problems: {
        cart: cart.success ? {} : fieldErrors(cart.error),
        shopper: shopper.success ? {} : fieldErrors(shopper.error),
      },
    };
  }

  // ----------------------------------------------------------------------------------- solicitation

  /**
   * POST /orders (or, once solicited, load its product list again: same solicitation). `automatic` is the
   * till's own single retry of a start known not to have reached SeQura (see onSequraReachable).
   */
  async start(saleId: string, how: 'cashier' | 'automatic' = 'cashier'): Promise<SaleRecord> {
    let sale = this.load(saleId, 'start');
    this.refuseBeforeRetryAfter(sale);
    this.deps.ensureRecordable?.();
    if (sale.step === 'choose_product') return this.loadPaymentOptions(sale);
    const { cart, shopper } = this.validated(sale);
    sale =
      how === 'automatic'
        ? withTimeline({ ...sale, autoRetries: sale.autoRetries + 1 }, this.now(), 'start_auto_retry')
        : { ...sale, autoRetries: 0 };
    if (sale.step === 'start_uncertain') {
      // The previous POST may have created an order at SeQura. It will never get an SMS or a
      // confirmation (it simply expires there); this attempt is a fresh solicitation with a new cart_ref.
      sale = withTimeline({ ...sale, attempt: sale.attempt + 1 }, this.now(), 'start_retried_after_uncertain');
    }
    const payload = buildOrderPayload({ cart, shopper, context: this.context(sale), state: '' });
    const intent = withTimeline(
      { ...sale, step: 'starting', lastError: null, waitUntil: null },
      this.now(),
      'start_requested',
      `attempt ${sale.attempt}`,
    );
    sale = asWriteAhead(() => this.save(intent));
    try {
      const { uuid } = await this.deps.client.startSolicitation(payload);
      sale = this.save(
        withTimeline(
          { ...sale, step: 'choose_product', solicitation: { uuid, startedAt: this.now() } },
          this.now(),
          'solicited',
          uuid,
        ),
      );
    } catch (error) {
      return this.startFailed(sale, error);
    }
    return this.loadPaymentOptions(sale);
  }

  /**
   * SeQura said when to come back (429 + Retry-After): nothing of this sale goes before then, not even on the
   * cashier's press — SeQura would only answer 429 again. The screen shows until when.
   */
  private refuseBeforeRetryAfter(sale: SaleRecord): void {
    if (sale.waitUntil && sale.waitUntil > this.now()) {
      throw new AppError('sequra_rate_limited', `SeQura asked the till to wait until ${sale.waitUntil}.`, {
        retryable: true,
      });
    }
  }

  /** The time SeQura's Retry-After points at, when a 429 carried one. */
  private retryAfterTime(error: unknown): string | null {
    const ms = error instanceof SequraError && error.kind === 'rate_limited' ? error.retryAfterMs : undefined;
    return ms === undefined ? null : new Date(this.deps.clock().getTime() + ms).toISOString();
  }

  private startFailed(sale: SaleRecord, error: unknown): SaleRecord {
    const summary = toErrorSummary(error, this.now());
    const kind = error instanceof SequraError ? error.kind : 'internal';
    // A 5xx answers a POST that reached SeQura: it may have created the order (a gateway's 502/504 says
    // nothing about what happened behind it), so it is handled as an uncertain start, never re-sent by itself.
    if (kind === 'unknown_outcome' || kind === 'server') {
      const refusal = toAppError(error, sale);
      const uncertain = withTimeline(
        {
          ...sale,
          step: 'start_uncertain',
          lastError: summary,
          abandonedSolicitations: [
            ...sale.abandonedSolicitations,
            { attempt: sale.attempt, uuid: null, reason: 'uncertain_start', at: this.now() },
          ],
        },
        this.now(),
        'start_uncertain',
      );
      asRefusal(refusal, () => this.save(uncertain));
      throw refusal;
    }
    if (kind === 'offline' || kind === 'rate_limited') {
      // Nothing was created (the request never got there, or SeQura said "not now"): the start waits for
      // SeQura and goes by itself once when it answers again (not before its Retry-After).
      const saved = this.save(
        withTimeline(
          { ...sale, step: 'start_queued', lastError: summary, waitUntil: this.retryAfterTime(error) },
          this.now(),
          'start_queued',
          kind,
        ),
      );
      return saved;
    }
    // SeQura refused the content (409 with reasons, 401/403 configuration): back to the form, nothing lost,
    // with each reason that names a field shown next to that field.
    const refusal = toAppError(error, sale);
    asRefusal(refusal, () =>
      this.save(
        withTimeline(
          { ...sale, step: 'draft', draftStage: 'shopper', lastError: summary },
          this.now(),
          'start_refused',
          kind,
        ),
      ),
    );
    const fields = formFieldsForSequraReasons(refusal.extra.reasons ?? []);
    throw Object.keys(fields).length > 0
      ? new AppError(refusal.code, refusal.message, { ...refusal.extra, fields })
      : refusal;
  }

  /**
   * One product-list load per solicitation at a time: "Load the products again" pressed while the till's own
   * load (after an automatic start, or with its read retries) is still under way waits for that load instead of
   * sending a second request for the same order — SeQura would count the pair as a burst, and the second one
   * went out before the Retry-After the first was waiting for (chaos run: sent_before_retry_after=1).
   */
  private loadPaymentOptions(sale: SaleRecord): Promise<SaleRecord> {
    const key = `${sale.id} ${sale.solicitation!.uuid}`;
    const running = this.productLoads.get(key);
    if (running) return running;
    const load = this.loadPaymentOptionsOnce(sale).finally(() => this.productLoads.delete(key));
    this.productLoads.set(key, load);
    return load;
  }

  private async loadPaymentOptionsOnce(sale: SaleRecord): Promise<SaleRecord> {
    const uuid = sale.solicitation!.uuid;
    try {
      // The order's list holds only what this order can use; the merchant's list also has the products
      // outside their limits, with min/max, so the screen can explain them instead of hiding them.
      const [forOrder, forMerchant] = await Promise.all([
        this.deps.client.getOrderPaymentMethods(uuid),
        this.deps.client.getMerchantPaymentMethods().catch(() => null),
      ]);
      const options = this.paymentOptions(forOrder, forMerchant, cartTotals(sale.cart).financedCents);
      const fresh = this.stillChoosing(sale.id, uuid);
      return fresh
        ? this.save({ ...fresh, paymentOptions: options, lastError: null, waitUntil: null })
        : (this.deps.journal.get(sale.id) ?? sale);
    } catch (error) {
      // The solicitation exists; only the product list failed. The screen offers to load it again (the same
      // solicitation), not before SeQura's Retry-After when it gave one.
      const fresh = this.stillChoosing(sale.id, uuid);
      return fresh
        ? this.save(
            withTimeline(
              {
                ...fresh,
                paymentOptions: null,
                lastError: toErrorSummary(error, this.now()),
                waitUntil: this.retryAfterTime(error),
              },
              this.now(),
              'products_failed',
              error instanceof SequraError ? error.kind : 'internal',
            ),
          )
        : (this.deps.journal.get(sale.id) ?? sale);
    }
  }

  /**
   * A product list can arrive late (a slow answer, with the client's read retries): by then another load may
   * have answered, the cashier sent the SMS, or the sale was even confirmed and archived. Only a sale still
   * choosing a product for this same solicitation takes it (chaos test: a late list once put an archived,
   * confirmed sale back in the journal at "choose product").
   */
  private stillChoosing(saleId: string, uuid: string): SaleRecord | null {
    const fresh = this.deps.journal.get(saleId);
    return fresh && fresh.step === 'choose_product' && fresh.solicitation?.uuid === uuid ? fresh : null;
  }

  private paymentOptions(
    forOrder: PaymentMethods,
    forMerchant: PaymentMethods | null,
    financedCents: number,
  ): PaymentOption[] {
    const allowed = this.deps.till.allowedProducts;
    const key = (m: { product: string; campaign?: string | null }) => `${m.product}/${m.campaign ?? ''}`;
    const offered = new Map(flattenPaymentMethods(forOrder).map((m) => [key(m), m]));
    const all = new Map(offered);
    for (const method of forMerchant ? flattenPaymentMethods(forMerchant) : [])
      if (!all.has(key(method))) all.set(key(method), method);
    return [...all.values()].map((method) => {
      const min = method.min_amount ?? null;
      const max = method.max_amount ?? null;
      const unavailableReason: PaymentOption['unavailableReason'] =
        allowed && !allowed.includes(method.product)
          ? 'not_allowed_by_store'
          : min !== null && financedCents < min
            ? 'below_min'
            : max !== null && financedCents > max
              ? 'above_max'
              : !offered.has(key(method))
                ? 'not_offered'
                : null;
      return {
        product: method.product,
        campaign: method.campaign ?? null,
        title: method.title,
        longTitle: method.long_title,
        costDescription: method.cost_description ?? null,
        category: method.category,
        minAmountCents: min,
        maxAmountCents: max,
        available: unavailableReason === null,
        unavailableReason,
      } satisfies PaymentOption;
    });
  }

  // ------------------------------------------------------------------------------------------- SMS

  async sendSms(input: { saleId: string; product: string; campaign: string | null }): Promise<SaleRecord> {
    const sale = this.load(input.saleId, 'sendSms');
    const option = sale.paymentOptions?.find(
      (o) => o.product === input.product && (o.campaign ?? null) === (input.campaign ?? null),
    );
    if (!option)
      throw new AppError('invalid_request', 'That product is not offered for this order.', {
        fields: { product: 'invalid' },
      });
    if (!option.available) throw new AppError('conflict', 'That product is not available for this amount.');
    this.refuseOverSmsLimit(sale);
    this.refuseBeforeRetryAfter(sale);
    const product = { code: option.product, campaign: option.campaign, title: option.title };
    return this.deliverSms({ ...sale, product, autoRetries: 0 }, 'sms_requested');
  }

  async resendSms(saleId: string): Promise<SaleRecord> {
    const sale = this.load(saleId, 'resendSms');
    this.refuseOverSmsLimit(sale);
    this.refuseBeforeRetryAfter(sale);
    return this.deliverSms({ ...sale, autoRetries: 0 }, 'sms_resend_requested');
  }

  private refuseOverSmsLimit(sale: SaleRecord): void {
    if (sale.sms.blockedUntil && sale.sms.blockedUntil > this.now()) {
      throw new AppError('sequra_rate_limited', 'SeQura has reached its SMS limit for this order.', {
        retryable: true,
      });
    }
  }

  /**
   * POST form_deliveries. The step to go back to after a failure: where the cashier pressed (product list or
   * approval screen); an SMS queued by a start-up or an earlier failure remembers it by whether one was sent.
   */
  private async deliverSms(sale: SaleRecord, event: string): Promise<SaleRecord> {
    const returnStep =
      sale.step === 'choose_product' || (sale.step === 'sending_sms' && sale.sms.sentCount === 0 && !sale.sms.uncertain)
        ? 'choose_product'
        : 'awaiting_approval';
    this.deps.ensureRecordable?.();
    const intent = withTimeline(
      { ...sale, step: 'sending_sms', lastError: null, waitUntil: null, sms: { ...sale.sms, queued: false } },
      this.now(),
      event,
      sale.product!.code,
    );
    let current = asWriteAhead(() => this.save(intent));
    try {
      await this.deps.client.sendFormBySms(current.solicitation!.uuid, {
        product_code: current.product!.code,
        campaign: current.product!.campaign,
      });
      current = this.save(
        withTimeline(
          {
            ...current,
            step: 'awaiting_approval',
            sms: {
              ...current.sms,
              sentCount: current.sms.sentCount + 1,
              lastSentAt: this.now(),
              uncertain: false,
              queued: false,
            },
          },
          this.now(),
          'sms_sent',
        ),
      );
      return current;
    } catch (error) {
      const summary = toErrorSummary(error, this.now());
      const kind = error instanceof SequraError ? error.kind : 'internal';
      if (kind === 'unknown_outcome' || kind === 'timeout' || kind === 'server') {
        // It reached SeQura and may have gone out: a 5xx of any kind (a gateway's 502/504 too) says nothing
        // about what happened behind it. Never resent by itself (a shopper must not get two SMS); the screen
        // says it may have been sent, and the cashier asks the shopper or resends on purpose.
        return this.save(
          withTimeline(
            {
              ...current,
              step: 'awaiting_approval',
              lastError: summary,
              sms: { ...current.sms, uncertain: true, queued: false },
            },
            this.now(),
            'sms_uncertain',
            kind,
          ),
        );
      }
      const smsLimit = kind === 'rate_limited' && isSmsLimit(error);
      if ((kind === 'offline' || (kind === 'rate_limited' && !smsLimit)) && current.autoRetries < MAX_AUTO_RETRIES) {
        // Known not sent (nothing reached SeQura, or SeQura said "not now"): it goes by itself once when
        // SeQura answers again, not before its Retry-After.
        return this.save(
          withTimeline(
            {
              ...current,
              lastError: summary,
              waitUntil: this.retryAfterTime(error),
              sms: { ...current.sms, queued: true },
            },
            this.now(),
            'sms_queued',
            kind,
          ),
        );
      }
      if (kind === 'offline' || (kind === 'rate_limited' && !smsLimit)) {
        // Known not sent, and the automatic retry is used up: back to the cashier, who may send it again.
        const refusal = toAppError(error, current);
        const notSent = withTimeline(
          { ...current, step: returnStep, lastError: summary, waitUntil: this.retryAfterTime(error) },
          this.now(),
          'sms_not_sent',
          kind,
        );
        asRefusal(refusal, () => this.save(notSent));
        throw refusal;
      }
      if (kind === 'rate_limited') {
        const retryAfterMs = error instanceof SequraError ? (error.retryAfterMs ?? 60_000) : 60_000;
        const blockedUntil = new Date(this.deps.clock().getTime() + retryAfterMs).toISOString();
        const refusal = toAppError(error, current);
        const limited = withTimeline(
          { ...current, step: returnStep, lastError: summary, sms: { ...current.sms, blockedUntil } },
          this.now(),
          'sms_limit_reached',
        );
        asRefusal(refusal, () => this.save(limited));
        throw refusal;
      }
      const refusal = toAppError(error, current);
      const refused = withTimeline(
        { ...current, step: returnStep, lastError: summary },
        this.now(),
        'sms_refused',
        kind,
      );
      asRefusal(refusal, () => this.save(refused));
      throw refusal;
    }
  }

  // ----------------------------------------------------------------------------------- confirmation

  /** PUT /orders/{uuid} with state=confirmed and the ticket number, through the outbox. */
  async confirm(saleId: string): Promise<SaleRecord> {
    let sale = this.load(saleId, 'confirm');
    const { cart, shopper } = this.validated(sale);
    this.deps.ensureRecordable?.();
    // The intent (ticket, step, outbox instruction) is one transaction: all of it on disk before SeQura is
    // called, or none of it (and then no call is made).
    const instruction = this.deps.journal.atomically(() => {
      this.resolveRefusedConfirmations(sale.id, 'confirmation asked again');
      // A number SeQura said was taken is never sent again: asking again takes a new one.
      const refusal = sale.confirmation.refusal;
      if (!sale.ticketNumber || (refusal && isTicketNumberTaken(refusal.reasons)))
        sale = this.deps.journal.assignTicket(sale);
      const payload = buildOrderPayload({
        cart,
        shopper,
        context: this.context(sale),
        state: 'confirmed',
        orderRef1: sale.ticketNumber!,
      });
      sale = this.save(
        withTimeline(
          {
            ...sale,
            step: 'confirming',
            lastError: null,
            waitUntil: null,
            needsAttention: null,
            confirmation: { ...sale.confirmation, requestedAt: this.now(), refusal: null },
          },
          this.now(),
          'confirm_requested',
          sale.ticketNumber!,
        ),
      );
      return this.enqueueConfirmation(sale, payload, cartTotals(cart).financedCents);
    });
    // The cashier is waiting at the till: show SeQura's first answer rather than "pending" when it is quick.
    await this.deps.outbox.waitForAttempt(instruction.id, CONFIRM_WAIT_MS);
    return this.deps.journal.get(sale.id)!;
  }

  /**
   * A refused confirmation stays "needs attention" (never deleted) until the cashier acts on it: asking
   * again, restarting, rejecting or cancelling closes it as resolved, so the pending count tells the truth.
   */
  private resolveRefusedConfirmations(saleId: string, note: string): void {
    for (const previous of this.deps.outbox.forSale(saleId)) {
      if (previous.kind === 'confirm' && previous.state === 'needs_attention')
        this.deps.outbox.resolve(previous.id, note);
    }
  }

  private instructionId(saleId: string, kind: string): string {
    const sequence = this.deps.outbox.forSale(saleId).length + 1;
    return `${saleId}-${String(sequence).padStart(3, '0')}-${kind}`;
  }

  /** Called by the outbox when an instruction reaches a final outcome. */
  onInstructionSettled(instruction: Instruction, outcome: InstructionOutcome): void {
    const sale = this.deps.journal.get(instruction.saleId);
    if (!sale) return;
    const now = this.now();
    if (instruction.kind === 'confirm') {
      if (outcome.kind === 'done') {
        const confirmed = withTimeline(
          {
            ...sale,
            confirmation: { ...sale.confirmation, confirmedAt: now, refusal: null },
            referenceRegisteredAt: now,
            needsAttention: null,
          },
          now,
          'confirmed',
          sale.ticketNumber ?? undefined,
        );
        this.startHandover(confirmed);
      } else if (outcome.kind === 'refused' && this.mayRenumber(sale, instruction, outcome)) {
        this.confirmWithNewTicket(sale, instruction);
      } else if (outcome.kind === 'refused') {
        this.save(
          withTimeline(
            {
              ...sale,
              step: 'confirm_refused',
              confirmation: {
                ...sale.confirmation,
                refusal: { kind: classifyRefusal(outcome.reasons), reasons: outcome.reasons.slice(0, 20), at: now },
              },
            },
            now,
            'confirm_refused',
            outcome.reasons.join(' | ').slice(0, 300),
          ),
        );
      } else {
        this.save(
          withTimeline(
            { ...sale, needsAttention: { code: 'confirm_gave_up', reason: outcome.message.slice(0, 500), at: now } },
            now,
            'confirm_gave_up',
          ),
        );
      }
    } else if (instruction.kind === 'handover') {
      if (outcome.kind === 'done') {
        this.save(
          withTimeline(
            {
              ...sale,
              step: 'done',
              handover: { ...sale.handover, doneAt: now },
              finishedAt: now,
              needsAttention: null,
            },
            now,
            'handed_over',
          ),
        );
        // Into the history in the same commit as SeQura's answer (unless it is still on the cashier's screen).
        this.archiveIfSettled(sale.id);
      } else {
        const reason = outcome.kind === 'refused' ? outcome.reasons.join(' | ') : outcome.message;
        this.save(
          withTimeline(
            {
              ...sale,
              needsAttention: {
                code: outcome.kind === 'refused' ? 'handover_refused' : 'handover_gave_up',
                reason: reason.slice(0, 500),
                at: now,
              },
            },
            now,
            'handover_needs_attention',
          ),
        );
      }
    }
  }

  /**
   * SeQura refused the confirmation because another order of the merchant already has this ticket number:
   * the shopper's approval stands, only the number clashed. Renumbering is bounded (a refusal that keeps
   * coming back is shown to the cashier as it is today) and only for the sale's current confirmation.
   */
  private mayRenumber(sale: SaleRecord, instruction: Instruction, outcome: InstructionOutcome): boolean {
    if (outcome.kind !== 'refused' || outcome.status !== 409 || !isTicketNumberTaken(outcome.reasons)) return false;
    if (sale.step !== 'confirming' || instruction.ticketNumber !== sale.ticketNumber) return false;
    return sale.timeline.filter((e) => e.event === 'ticket_replaced').length < MAX_TICKET_RENUMBERS;
  }

  /**
   * A new ticket number and the confirmation again, as one write-ahead intent (this runs inside the outbox's
   * transaction that records SeQura's refusal): the refused instruction closed, the sale's new number, its
   * timeline entry and the new confirmation carrying that number are on disk together before anything is
   * sent, so a crash leaves either the refusal unrecorded (the same request is sent again, and refused
   * again) or the new number ready to go — never a confirmation with a number the sale does not hold.
   */
  private confirmWithNewTicket(sale: SaleRecord, refused: Instruction): void {
    const { cart, shopper } = this.validated(sale);
    this.deps.journal.atomically(() => {
      this.deps.outbox.resolve(refused.id, 'ticket number taken at SeQura; confirmed again with a new one');
      const previous = sale.ticketNumber!;
      const renumbered = this.deps.journal.assignTicket(sale);
      const payload = buildOrderPayload({
        cart,
        shopper,
        context: this.context(renumbered),
        state: 'confirmed',
        orderRef1: renumbered.ticketNumber!,
      });
      const saved = this.save(
        withTimeline(renumbered, this.now(), 'ticket_replaced', `${previous} → ${renumbered.ticketNumber!}`),
      );
      this.enqueueConfirmation(saved, payload, cartTotals(cart).financedCents);
      this.save(this.deps.journal.get(saved.id)!);
      this.deps.log.warn('sale.ticket_replaced', { sale: sale.id, previous, ticket: renumbered.ticketNumber });
    });
  }

  /** SeQura pays the merchant and starts the shopper's plan only after this: it is not optional. */
  private startHandover(sale: SaleRecord): void {
    const now = this.now();
    if (this.deps.till.usesShippedCart) {
      // The goods were declared shipped in the solicitation itself (shipped_cart): nothing left to send.
      this.save(
        withTimeline(
          { ...sale, step: 'done', handover: { requestedAt: now, doneAt: now }, finishedAt: now },
          now,
          'handed_over',
          'shipped_cart at start',
        ),
      );
      return;
    }
    const { cart, shopper } = this.validated(sale);
    const payload = buildHandoverUpdate({
      cart,
      shopper,
      context: this.context(sale),
      orderRef1: sale.ticketNumber!,
      deliveredAt: now,
    });
    this.deps.journal.atomically(() => {
      const saved = this.save(
        withTimeline(
          { ...sale, step: 'handing_over', handover: { ...sale.handover, requestedAt: now } },
          now,
          'handover_requested',
        ),
      );
      this.deps.outbox.enqueue({
        id: this.instructionId(saved.id, 'handover'),
        saleId: saved.id,
        kind: 'handover',
        request: { target: 'order_update', orderRef1: saved.ticketNumber!, payload },
        ticketNumber: saved.ticketNumber,
        amountCents: cartTotals(cart).financedCents,
      });
      this.save(this.deps.journal.get(saved.id)!);
    });
  }

  /**
   * The shopper's phone says approved but SeQura has not answered the confirmation yet (it is queued).
   * Store policy decides: hold the goods until SeQura confirms, or a manager releases them now and the store
   * takes the risk. Recorded on the sale (and its slip and timeline) with the manager's ref.
   */
  async releaseGoods(saleId: string, managerPin: string): Promise<SaleRecord> {
    this.load(saleId, 'releaseGoods');
    if (this.deps.till.offlineGoodsRelease !== 'manager_pin') {
      throw new AppError('conflict', 'Store policy: the goods stay in the store until SeQura confirms.');
    }
    const { operatorRef } = await this.deps.authorizer.authorizeManager(managerPin, 'release_goods');
    // Re-read after the (slow, hashed) PIN check: SeQura may have confirmed the sale meanwhile.
    const current = this.deps.journal.get(saleId)!;
    return this.save(
      withTimeline(
        { ...current, confirmation: { ...current.confirmation, goodsReleasedBy: operatorRef } },
        this.now(),
        'goods_released',
        operatorRef,
      ),
    );
  }

  // ----------------------------------------------------------------------------------- other endings

  markRejected(saleId: string): SaleRecord {
    const sale = this.load(saleId, 'markRejected');
    const now = this.now();
    return this.deps.journal.atomically(() => {
      this.resolveRefusedConfirmations(sale.id, 'shopper rejected');
      return this.save(
        withTimeline(
          {
            ...sale,
            step: 'rejected',
            finishedAt: now,
            abandonedSolicitations: [
              ...sale.abandonedSolicitations,
              { attempt: sale.attempt, uuid: sale.solicitation?.uuid ?? null, reason: 'rejected', at: now },
            ],
          },
          now,
          'rejected',
        ),
      );
    });
  }

  /** Before confirmation SeQura has no cancel: the solicitation is abandoned locally and expires there. */
  cancel(saleId: string): SaleRecord {
    const sale = this.load(saleId, 'cancel');
    const now = this.now();
    const abandoned = sale.solicitation
      ? [
          ...sale.abandonedSolicitations,
          { attempt: sale.attempt, uuid: sale.solicitation.uuid, reason: 'cancelled' as const, at: now },
        ]
      : sale.abandonedSolicitations;
    return this.deps.journal.atomically(() => {
      this.resolveRefusedConfirmations(sale.id, 'sale cancelled');
      return this.save(
        withTimeline(
          { ...sale, step: 'cancelled', finishedAt: now, abandonedSolicitations: abandoned },
          now,
          'cancelled',
        ),
      );
    });
  }

  /** "Change the purchase": the old solicitation is abandoned (never confirmed) and the cart and shopper come back editable. */
  restart(saleId: string): SaleRecord {
    const sale = this.load(saleId, 'restart');
    const now = this.now();
    const abandoned = sale.solicitation
      ? [
          ...sale.abandonedSolicitations,
          { attempt: sale.attempt, uuid: sale.solicitation.uuid, reason: 'restart' as const, at: now },
        ]
      : sale.abandonedSolicitations;
    return this.deps.journal.atomically(() => {
      this.resolveRefusedConfirmations(sale.id, 'sale restarted');
      return this.save(
        withTimeline(
          {
            ...sale,
            step: 'draft',
            draftStage: 'cart',
            attempt: sale.solicitation ? sale.attempt + 1 : sale.attempt,
            solicitation: null,
            abandonedSolicitations: abandoned,
            paymentOptions: null,
            product: null,
            sms: { sentCount: 0, lastSentAt: null, uncertain: false, blockedUntil: null, queued: false },
            // A ticket number sent in a refused confirmation is not reused (ticket numbers never are).
            ticketNumber: null,
            confirmation: { requestedAt: null, confirmedAt: null, refusal: null, goodsReleasedBy: null },
            lastError: null,
            waitUntil: null,
            autoRetries: 0,
          },
          now,
          'restarted',
        ),
      );
    });
  }

  /** Leaves a sale (finished, or confirming in the background) so the next one can start. */
  close(saleId: string): SaleRecord | null {
    const sale = this.load(saleId, 'close');
    this.deps.journal.atomically(() => {
      this.deps.journal.setCurrent(null);
      this.archiveIfSettled(sale.id);
    });
    return null;
  }

  private archiveIfSettled(saleId: string): void {
    const sale = this.deps.journal.get(saleId);
    if (!sale || !isFinal(sale.step) || this.deps.journal.current()?.id === saleId) return;
    if (this.openInstructions(saleId) > 0) return;
    this.deps.journal.atomically(() => {
      this.deps.journal.archive(saleId);
      this.deps.outbox.forgetSale(saleId);
    });
  }

  // ------------------------------------------------------------------------------- crash and offline

  /**
   * After a restart: every sale found mid-call is put at the step that tells the truth.
   *  - starting:    the POST may or may not have reached SeQura → start_uncertain (never re-POSTed by itself)
   *  - sending_sms: the SMS may or may not have gone out → awaiting_approval, marked uncertain (never resent by itself)
   *  - confirming / handing_over without their outbox instruction (crash between the two writes) → re-enqueued
   */
  resume(): void {
    for (const sale of this.deps.journal.active()) {
      const now = this.now();
      if (sale.step === 'starting') {
        this.save(
          withTimeline(
            {
              ...sale,
              step: 'start_uncertain',
              abandonedSolicitations: [
                ...sale.abandonedSolicitations,
                { attempt: sale.attempt, uuid: null, reason: 'uncertain_start', at: now },
              ],
            },
            now,
            'resumed_start_uncertain',
          ),
        );
      } else if (sale.step === 'sending_sms' && !sale.sms.queued) {
        this.save(
          withTimeline(
            { ...sale, step: 'awaiting_approval', sms: { ...sale.sms, uncertain: true } },
            now,
            'resumed_sms_uncertain',
          ),
        );
      } else if (sale.step === 'confirming' && this.replaySettled(sale, 'confirm')) {
        this.log('resume.replayed_confirm_outcome', sale.id);
      } else if (sale.step === 'confirming' && !this.hasLive(sale.id, 'confirm')) {
        this.log('resume.reenqueue_confirm', sale.id);
        this.confirmAgainAfterCrash(sale);
      } else if (sale.step === 'handing_over' && this.replaySettled(sale, 'handover')) {
        this.log('resume.replayed_handover_outcome', sale.id);
      } else if (sale.step === 'handing_over' && !this.hasLive(sale.id, 'handover')) {
        this.log('resume.reenqueue_handover', sale.id);
        this.startHandover(sale);
      } else if (isFinal(sale.step)) {
        this.archiveIfSettled(sale.id);
      }
    }
  }

  /**
   * The outbox writes an instruction's final state (with its outcome) and then tells this service, which
   * writes the sale: a crash between the two writes leaves a settled instruction and a sale still waiting for
   * it, which nothing would ever settle again. Replays the outcome; true if it did.
   */
  private replaySettled(sale: SaleRecord, kind: 'confirm' | 'handover'): boolean {
    const latest = this.deps.outbox
      .forSale(sale.id)
      .filter((i) => i.kind === kind && i.state !== 'resolved')
      .at(-1);
    if (!latest || !latest.outcome || !(latest.state === 'done' || latest.state === 'needs_attention')) return false;
    // Already applied? Except a refused confirmation (which moves the sale to confirm_refused), a
    // needs-attention outcome keeps the step and marks the sale instead.
    const movesStep = latest.state === 'done' || (kind === 'confirm' && latest.outcome.kind === 'refused');
    if (!movesStep && sale.needsAttention) return false;
    this.onInstructionSettled(latest, latest.outcome);
    return true;
  }

  private hasLive(saleId: string, kind: Instruction['kind']): boolean {
    return this.deps.outbox.forSale(saleId).some((i) => i.kind === kind && i.state !== 'resolved');
  }

  private confirmAgainAfterCrash(sale: SaleRecord): void {
    const { cart, shopper } = this.validated(sale);
    // Same inputs as the first time (cart, shopper, ticket, attempt): the builder gives the same payload.
    const payload = buildOrderPayload({
      cart,
      shopper,
      context: this.context(sale),
      state: 'confirmed',
      orderRef1: sale.ticketNumber!,
    });
    this.enqueueConfirmation(sale, payload, cartTotals(cart).financedCents);
  }

  private enqueueConfirmation(sale: SaleRecord, payload: OrderPayload, financedCents: number): Instruction {
    return this.deps.outbox.enqueue({
      id: this.instructionId(sale.id, 'confirm'),
      saleId: sale.id,
      kind: 'confirm',
      request: { target: 'solicited_order', uuid: sale.solicitation!.uuid, payload },
      ticketNumber: sale.ticketNumber,
      amountCents: financedCents,
    });
  }

  /** Starts or SMS known not sent, waiting for SeQura to answer (the monitor probes fast while there are any). */
  queuedWork(): number {
    return this.deps.journal.active().filter((s) => this.autoRetryAllowed(s) !== null).length;
  }

  /**
   * Which automatic retry this sale may have now, if any: a start or SMS known not to have reached SeQura,
   * not retried by itself yet (at most once), and past SeQura's Retry-After.
   */
  private autoRetryAllowed(sale: SaleRecord): 'start' | 'sms' | null {
    if (sale.autoRetries >= MAX_AUTO_RETRIES) return null;
    if (sale.step === 'start_queued') return 'start';
    if (sale.step === 'sending_sms' && sale.sms.queued) return 'sms';
    return null;
  }

  private retryAfterPassed(sale: SaleRecord): boolean {
    return !sale.waitUntil || sale.waitUntil <= this.now();
  }

  private reachableRun: Promise<void> | null = null;
  private reachableAgain = false;

  /**
   * SeQura answers again: queued starts and SMS go now (the outbox wakes by itself). One run at a time, and
   * each sale is read afresh right before acting on it: a run that awaited one sale must never act on a stale
   * copy of another that a concurrent run (or the cashier) has meanwhile sent — that would be a second SMS.
   */
  onSequraReachable(): Promise<void> {
    if (this.reachableRun) {
      this.reachableAgain = true;
      return this.reachableRun;
    }
    const run = async () => {
      // Bounded: a trigger that arrives during a run gets one more pass, not an endless loop.
      for (let pass = 0; pass < 3; pass += 1) {
        this.reachableAgain = false;
        for (const { id } of this.deps.journal.active()) {
          const sale = this.deps.journal.get(id);
          if (!sale) continue;
          const retry = this.autoRetryAllowed(sale);
          if (retry === null || !this.retryAfterPassed(sale)) continue;
          try {
            if (retry === 'start') await this.start(sale.id, 'automatic');
            else await this.deliverSms({ ...sale, autoRetries: sale.autoRetries + 1 }, 'sms_auto_retry');
          } catch (error) {
            // Shown on the sale itself (lastError); nothing else to do here.
            this.log('resume.auto_step_failed', sale.id, error instanceof Error ? error.name : 'unknown');
          }
        }
        if (!this.reachableAgain) break;
      }
    };
    // Cleared in a `.finally` of the stored promise, never inside `run`: with nothing to await, `run` ends
    // synchronously, before the assignment, and would leave the flag set for good.
    this.reachableRun = run().finally(() => {
      this.reachableRun = null;
    });
    return this.reachableRun;
  }

  /** Called when outbox work of a sale changes: keeps `pendingInstructions` true and archives settled sales. */
  onOutboxChanged(saleIds: Iterable<string>): void {
    for (const saleId of saleIds) {
      const sale = this.deps.journal.get(saleId);
      if (!sale) continue;
      const open = this.openInstructions(saleId);
      if (open !== sale.pendingInstructions) this.save(sale);
      this.archiveIfSettled(saleId);
    }
  }

  private log(event: string, saleId: string, detail?: string): void {
    this.deps.log.info(event, { sale: saleId, detail });
  }
}

/** A start or SMS known not to have reached SeQura is retried by the till itself at most this many times. */
const MAX_AUTO_RETRIES = 1;

/**
 * SeQura's per-order SMS limit, as opposed to any other 429 on form_deliveries (a gateway's or the API's
 * general rate limit): its reason speaks of the SMS. Only the per-order limit blocks "Resend SMS".
 */
function isSmsLimit(error: unknown): boolean {
  return error instanceof SequraError && error.messages.some((m) => /\bsms\b/i.test(m));
}

/** The record's schema allows this many (shared/sale/sale-record.ts). */
const MAX_ABANDONED = 50;

/**
 * Every uncertain start adds an entry, so a cashier retrying through a long outage could pass the schema's
 * bound — and then every answer carrying the sale would fail validation and the sale screen would break.
 * Drops the oldest entries that name no order at SeQura (uuid null: nothing to look up there) first, then
 * the oldest; the timeline still says how many attempts there were.
 */
function boundedAbandoned(list: SaleRecord['abandonedSolicitations']): SaleRecord['abandonedSolicitations'] {
  if (list.length <= MAX_ABANDONED) return list;
  let excess = list.length - MAX_ABANDONED;
  const kept = list.filter((entry) => {
    if (excess > 0 && entry.uuid === null) {
      excess -= 1;
      return false;
    }
    return true;
  });
  return kept.slice(kept.length - MAX_ABANDONED);
}
