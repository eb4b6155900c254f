import { z } from 'zod';
import { MAX_AMOUNT_CENTS } from '../money/cents.ts';
import { CancellationReasonSchema } from '../sale/after-sale-record.ts';
import { AttentionCodeSchema, SaleRecordSchema } from '../sale/sale-record.ts';
import { OutboxItemSchema, SaleIdSchema } from './sale-schemas.ts';

// Requests and answers of the after-sale channels: history search, a sale's page, cancellation,
// returns and refunds, reprints, and the end-of-day report. Everything here is answered from the till's own
// files, so history and report work while SeQura is unreachable; only cancellations and returns go to SeQura,
// through the outbox.

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const IsoDateTime = z.string().max(40);
const Cents = z.number().int();
/** The renderer's idempotency key for an action: the same key twice is the same action, done once. */
const RequestId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
/** Manager PINs are short digit strings; the authorizer judges them. Bounded so nothing big is ever hashed. */
const ManagerPin = z.string().max(16);

/**
 * One status per sale, for its badge and the report's buckets (the first that applies, in this order):
 * needs_attention › pending › cancelled › returned › confirmed › rejected › in_progress.
 */
export const SALE_STATUSES = [
  'needs_attention',
  'pending',
  'cancelled',
  'returned',
  'confirmed',
  'rejected',
  'in_progress',
] as const;
export const SaleStatusSchema = z.enum(SALE_STATUSES);
export type SaleStatus = z.infer<typeof SaleStatusSchema>;

export const SEARCH_KEYS = ['any', 'ticket', 'uuid', 'phone'] as const;
export const SearchKeySchema = z.enum(SEARCH_KEYS);
export type SearchKey = z.infer<typeof SearchKeySchema>;

export const HistorySearchRequest = z
  .object({
    /** Ticket number (or part of it), SeQura order uuid (or its start), or the last four digits of the phone. */
    query: z.string().max(64),
    key: SearchKeySchema,
    /** Till-local calendar days, inclusive; null = open. */
    from: IsoDate.nullable(),
    to: IsoDate.nullable(),
    /** A sale matches when it has any of these (none = every status). */
    statuses: z.array(SaleStatusSchema).max(SALE_STATUSES.length),
    /** Training sales live apart (their own folder): true lists those instead of real ones. */
    training: z.boolean(),
    limit: z.number().int().min(1).max(500),
  })
  .strict();
export type HistorySearchInput = z.infer<typeof HistorySearchRequest>;

export const SaleSummarySchema = z.object({
  saleId: SaleIdSchema,
  createdAt: IsoDateTime,
  storeRef: z.string().max(64),
  tillId: z.string().max(16),
  operatorRef: z.string().max(64),
  ticketNumber: z.string().max(64).nullable(),
  uuid: z.string().max(64).nullable(),
  product: z.object({ code: z.string().max(20), title: z.string().max(200) }).nullable(),
  /** Kept after the privacy purge removes the rest of the shopper's data, for phone search. */
  phoneLast4: z.string().max(4).nullable(),
  /** Given names and the first surname's initial ('María José G.'); empty once purged. */
  shopperName: z.string().max(120),
  status: SaleStatusSchema,
  /** Every status that applies (a returned sale is also confirmed…), for filters. */
  flags: z.array(SaleStatusSchema).max(SALE_STATUSES.length),
  training: z.boolean(),
  /** The cart's financed amount as confirmed (or as it would be). */
  financedCents: Cents,
  /** What SeQura finances now: 0 unless confirmed; lowered by returns and cancellation SeQura accepted. */
  currentFinancedCents: Cents,
  confirmedAt: IsoDateTime.nullable(),
  step: z.string().max(40),
  pendingInstructions: z.number().int().min(0),
  /** Why the sale needs a person, in the till's words for IT (English; also the CSV's column), or null. */
  attention: z.string().max(500).nullable(),
  /** The same as a code the screen words in the cashier's language; null when the sale needs nobody. */
  attentionCode: AttentionCodeSchema.nullable(),
  matchedBy: z.enum(['ticket', 'uuid', 'phone']).nullable(),
});
export type SaleSummary = z.infer<typeof SaleSummarySchema>;

export const HistorySearchResponse = z.object({
  results: z.array(SaleSummarySchema).max(500),
  /** How many matched before the limit. */
  total: z.number().int().min(0),
});

export const SaleDetailRequest = z.object({ saleId: SaleIdSchema }).strict();

export const ReturnableLineSchema = z.object({
  lineId: z.string().max(64),
  reference: z.string().max(64),
  name: z.string().max(120),
  unitPriceCents: Cents,
  sold: z.number().int(),
  returned: z.number().int(),
  returnable: z.number().int(),
});

/** Why an action is not offered on this sale; the renderer words each code. */
export const BLOCK_REASONS = [
  'training_folder', //        a training sale seen from a live till: read only
  'not_confirmed', //          never confirmed: nothing at SeQura to cancel or return
  'confirmation_pending', //   the confirmation is still waiting for SeQura's answer
  'already_cancelled', //      cancelled (before or after confirmation)
  'cancellation_pending', //   a cancellation is waiting in the outbox
  'update_pending', //         a return is waiting in the outbox: one at a time (each carries the whole cart)
  'nothing_left', //           everything was returned already
  'no_ticket', //              no order_ref_1: SeQura's order update cannot address it
] as const;
export const BlockReasonSchema = z.enum(BLOCK_REASONS);
export type BlockReason = z.infer<typeof BlockReasonSchema>;

export const SaleDetailSchema = z.object({
  sale: SaleRecordSchema,
  summary: SaleSummarySchema,
  /** 'training_folder': a training sale opened from a live till (read only). */
  source: z.enum(['till', 'training_folder']),
  /** This sale's outbox instructions, with their live state and last error. */
  instructions: z.array(OutboxItemSchema).max(200),
  returnable: z.array(ReturnableLineSchema).max(100),
  actions: z.object({
    /** Which cancellation applies now, if any. */
    cancel: z.enum(['before_confirmation', 'after_confirmation']).nullable(),
    cancelBlocked: BlockReasonSchema.nullable(),
    return: z.boolean(),
    returnBlocked: BlockReasonSchema.nullable(),
  }),
  /** Operator ref → the name the till knows them by (a removed operator has no entry: shown by ref). */
  operatorNames: z.record(z.string().max(64), z.string().max(120)),
});
export type SaleDetail = z.infer<typeof SaleDetailSchema>;

export const CancelSaleRequest = z
  .object({
    saleId: SaleIdSchema,
    requestId: RequestId,
    /** Needed after confirmation only (before it, cancelling is the cashier's own local abandon). */
    managerPin: ManagerPin,
    reason: CancellationReasonSchema,
    note: z.string().max(200),
  })
  .strict();

export const AfterSaleOutcomeSchema = z.enum([
  'abandoned_locally', // before confirmation: nothing sent to SeQura (its solicitation just expires)
  'done', //              SeQura accepted the update
  'queued', //            in the outbox: SeQura unreachable or still answering; goes by itself
  'refused', //           SeQura refused it (409/404): shown on the sale, needs a person
]);

export const CancelSaleResponse = z.object({ detail: SaleDetailSchema, outcome: AfterSaleOutcomeSchema });

export const ReturnSaleRequest = z
  .object({
    saleId: SaleIdSchema,
    requestId: RequestId,
    managerPin: ManagerPin,
    lines: z
      .array(z.object({ lineId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(999) }).strict())
      .max(100),
    refunds: z
      .array(
        z.object({ amountCents: z.number().int().min(1).max(MAX_AMOUNT_CENTS), reason: z.string().max(120) }).strict(),
      )
      .max(20),
  })
  .strict();

export const ReturnSaleResponse = z.object({
  detail: SaleDetailSchema,
  returnId: z.string().max(16),
  // A return only exists after confirmation: never a local abandon.
  outcome: AfterSaleOutcomeSchema.exclude(['abandoned_locally']),
});

export const ReprintRequest = z
  .object({
    saleId: SaleIdSchema,
    /** The sale's slip, one return's slip, or the cancellation's. */
    slip: z.enum(['sale', 'return', 'cancellation']),
    returnId: z.string().max(16).nullable(),
  })
  .strict();

// ------------------------------------------------------------------------------------------- report

const AmountCount = z.object({ count: z.number().int().min(0), amountCents: Cents });

export const ReportRowSchema = z.object({
  saleId: SaleIdSchema,
  /** 'sale': a sale of the day; 'after_sale': an earlier sale with a return or cancellation asked that day. */
  kind: z.enum(['sale', 'after_sale']),
  createdAt: IsoDateTime,
  ticketNumber: z.string().max(64).nullable(),
  uuid: z.string().max(64).nullable(),
  product: z.string().max(20).nullable(),
  productTitle: z.string().max(200).nullable(),
  status: SaleStatusSchema,
  financedCents: Cents,
  /** Returns, refunds and cancellation SeQura accepted, over the sale's whole life. */
  reducedCents: Cents,
  currentFinancedCents: Cents,
  /** Returns, refunds and cancellation asked on the report's day (accepted or not yet). */
  reducedOnDayCents: Cents,
  confirmedAt: IsoDateTime.nullable(),
  referenceRegistered: z.boolean(),
  pendingInstructions: z.number().int().min(0),
  attention: z.string().max(500).nullable(),
  returnsCount: z.number().int().min(0),
  cancelledAt: IsoDateTime.nullable(),
  operatorRef: z.string().max(64),
});
export type ReportRow = z.infer<typeof ReportRowSchema>;

export const AfterSaleActivitySchema = z.object({
  saleId: SaleIdSchema,
  ticketNumber: z.string().max(64).nullable(),
  saleCreatedAt: IsoDateTime,
  kind: z.enum(['return', 'cancellation']),
  id: z.string().max(16),
  state: z.enum(['pending', 'done', 'refused', 'gave_up']),
  /** How much the financed amount goes down with it. */
  amountCents: Cents,
  requestedAt: IsoDateTime,
  authorizedBy: z.string().max(64),
  /** The sale itself is from an earlier day. */
  earlierSale: z.boolean(),
});

export const ReportSaleRefSchema = z.object({
  saleId: SaleIdSchema,
  ticketNumber: z.string().max(64).nullable(),
  createdAt: IsoDateTime,
  amountCents: Cents,
});

export const DayReportSchema = z.object({
  date: IsoDate,
  storeRef: z.string().max(64),
  tillId: z.string().max(16),
  /** The till is in training mode: this is a report of training sales, not real ones. */
  training: z.boolean(),
  generatedAt: IsoDateTime,
  salesCount: z.number().int().min(0),
  /** Gross: sales of the day SeQura confirmed, whatever happened to them later. */
  confirmed: AmountCount.extend({
    byProduct: z
      .array(
        z.object({
          product: z.string().max(20),
          title: z.string().max(200),
          count: z.number().int(),
          amountCents: Cents,
        }),
      )
      .max(50),
  }),
  /** Sales of the day whose confirmation is still waiting for SeQura. */
  pending: AmountCount,
  needsAttention: AmountCount,
  cancelled: z.object({ beforeConfirmation: z.number().int().min(0), afterConfirmation: AmountCount }),
  /** Sales of the day with returns SeQura accepted; amount = what they took off the financed amount. */
  returned: AmountCount,
  rejected: z.number().int().min(0),
  inProgress: z.number().int().min(0),
  /** What SeQura finances for the day's sales now: confirmed − returned − cancelled after confirmation. */
  netFinancedCents: Cents,
  /** Returns and cancellations asked on the day, on any sale (earlier ones included). */
  afterSale: z.array(AfterSaleActivitySchema).max(2000),
  /** Training sales of the day, not counted anywhere above (only on a live till). */
  trainingExcluded: AmountCount,
  /** Confirmed (or handed over while confirming) sales SeQura does not have the ticket number of, any day. */
  missingReference: z
    .array(
      ReportSaleRefSchema.extend({
        reason: z.enum(['reference_not_registered', 'goods_released_confirmation_pending', 'reference_update_pending']),
      }),
    )
    .max(2000),
  /** Confirmations still waiting for SeQura on this till, any day: closing the day warns about them. */
  pendingConfirmations: z.array(ReportSaleRefSchema).max(2000),
  rows: z.array(ReportRowSchema).max(5000),
  closures: z
    .array(z.object({ closedAt: IsoDateTime, pendingConfirmations: z.number().int().min(0), netFinancedCents: Cents }))
    .max(100),
});
export type DayReport = z.infer<typeof DayReportSchema>;

export const DayReportRequest = z.object({ date: IsoDate }).strict();

export const ReportCsvResponse = z.object({
  fileName: z.string().max(120),
  /** UTF-8 text with a byte-order mark, ';'-separated (docs/reports.md). */
  content: z.string().max(8_000_000),
});

export const CloseDayRequest = z
  .object({
    date: IsoDate,
    /** The manager saw the warning about confirmations still pending and closes anyway. */
    acknowledgePending: z.boolean(),
    /** Closing the day is the manager's: the PIN is checked (rate limited, audited) before anything is recorded. */
    managerPin: z.string().regex(/^\d{4,8}$/),
  })
  .strict();

export const CloseDayResponse = z.object({
  /** False when confirmations are pending and the warning was not acknowledged: nothing was recorded. */
  closed: z.boolean(),
  report: DayReportSchema,
});
