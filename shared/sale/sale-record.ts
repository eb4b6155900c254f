import { z } from 'zod';
import { CartDiscountSchema, CartLineSchema, TillPaymentSchema } from './cart.ts';
import { PostSaleSchema, SaleReturnSchema } from './after-sale-record.ts';

// One sale as the till journals it and as the renderer sees it. Main owns it; the renderer is a projection
// of it (it receives the record in answers and in `sale.changed` events and never calls SeQura).
//
// The step is the single source of truth for "where is this sale": after a crash the app reopens the same
// sale at the same step, because every step change is written to disk before and after each SeQura call.
export const SALE_STEPS = [
  'draft', //            cart and shopper being entered; saved as typed (works offline)
  'start_queued', //     cashier pressed start while SeQura was unreachable: starts by itself when it answers
  'starting', //         POST /orders written as intent, in flight
  'start_uncertain', //  POST /orders sent, answer lost: no SMS for it; retrying makes a fresh solicitation
  'choose_product', //   solicited (uuid known); products this order can use shown
  'sending_sms', //      form_deliveries intent written, in flight
  'awaiting_approval', //SMS sent; the cashier checks the shopper's phone
  'confirming', //       confirmation in the outbox (in flight, or queued while SeQura is unreachable)
  'confirm_refused', //  SeQura answered 409 to the confirmation: reason shown with the likely next action
  'handing_over', //     confirmed and referenced; the handover update is in the outbox
  'done', //             handed over: slip
  'rejected', //         the shopper was not approved (or the solicitation expired): another payment method
  'cancelled', //        abandoned before confirmation (SeQura lets unconfirmed solicitations expire)
] as const;
export type SaleStep = (typeof SALE_STEPS)[number];

export const FINAL_STEPS: readonly SaleStep[] = ['done', 'rejected', 'cancelled'];

const Text = (max: number) => z.string().max(max);
const IsoDateTime = z.string().max(40);

/** The cart as saved while typing: each entry valid, the whole not yet (may be empty). */
export const CartDraftSchema = z
  .object({
    lines: z.array(CartLineSchema).max(100),
    discounts: z.array(CartDiscountSchema).max(20),
    tillPayments: z.array(TillPaymentSchema).max(10),
  })
  .strict();
export type CartDraft = z.infer<typeof CartDraftSchema>;

/** The shopper as typed: bounded strings, validated for real only when the sale starts. */
export const ShopperDraftSchema = z
  .object({
    givenNames: Text(100),
    firstSurname: Text(100),
    secondSurname: Text(100),
    nin: Text(20),
    ninControl: Text(20),
    dateOfBirth: Text(10),
    mobile: Text(20),
    email: Text(254),
    address: z
      .object({ line1: Text(200), line2: Text(200), postalCode: Text(10), city: Text(100) })
      .strict()
      .nullable(),
  })
  .strict();
export type ShopperDraftInput = z.infer<typeof ShopperDraftSchema>;

export const ErrorSummarySchema = z.object({
  code: z.string().max(60),
  message: z.string().max(500),
  retryable: z.boolean(),
  reasons: z.array(z.string().max(500)).max(20).optional(),
  at: IsoDateTime,
});
export type ErrorSummary = z.infer<typeof ErrorSummarySchema>;

export const PaymentOptionSchema = z.object({
  product: Text(20),
  campaign: Text(60).nullable(),
  title: Text(200),
  longTitle: Text(300),
  costDescription: Text(200).nullable(),
  category: Text(40),
  minAmountCents: z.number().int().nullable(),
  maxAmountCents: z.number().int().nullable(),
  /** Whether this order's financed amount lies inside the product's limits. */
  available: z.boolean(),
  // not_offered: SeQura did not list it for this order (amount, country or currency), without saying why.
  unavailableReason: z.enum(['below_min', 'above_max', 'not_allowed_by_store', 'not_offered']).nullable(),
});
export type PaymentOption = z.infer<typeof PaymentOptionSchema>;

/** What a 409 on the confirmation most likely means, so the screen can offer the right next action. */
export const RefusalKindSchema = z.enum([
  'not_approved_yet',
  'under_review',
  'rejected_or_expired',
  'cart_changed',
  'duplicate_reference',
  'unknown',
]);
export type RefusalKind = z.infer<typeof RefusalKindSchema>;

/**
 * Why a sale needs a person, as a code the screen words in the cashier's language (the core's own sentence,
 * `reason`, is English, for IT). Absent on records written before the codes existed: worded as `unknown`.
 *  - confirm_gave_up: the confirmation never got an answer from SeQura before the give-up horizon;
 *  - handover_refused / handover_gave_up: SeQura refused the handover, or never answered it;
 *  - update_refused / update_gave_up: the same for the latest return or cancellation.
 */
export const ATTENTION_CODES = [
  'confirm_gave_up',
  'handover_refused',
  'handover_gave_up',
  'update_refused',
  'update_gave_up',
  'unknown',
] as const;
export const AttentionCodeSchema = z.enum(ATTENTION_CODES);
export type AttentionCode = z.infer<typeof AttentionCodeSchema>;

export const TimelineEntrySchema = z.object({
  at: IsoDateTime,
  event: Text(60),
  detail: Text(300).optional(),
  operator: Text(64).optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const SaleRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: Text(64),
  training: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  storeRef: Text(64),
  tillId: Text(16),
  operatorRef: Text(64),
  step: z.enum(SALE_STEPS),
  draftStage: z.enum(['cart', 'shopper']),
  cart: CartDraftSchema,
  shopper: ShopperDraftSchema,
  /** Solicitation attempt: a restart or an uncertain start makes a new one (cart_ref = `${id}-${attempt}`). */
  attempt: z.number().int().min(1),
  solicitation: z.object({ uuid: Text(64), startedAt: IsoDateTime }).nullable(),
  abandonedSolicitations: z
    .array(
      z.object({
        attempt: z.number().int(),
        uuid: Text(64).nullable(),
        reason: z.enum(['restart', 'uncertain_start', 'cancelled', 'rejected']),
        at: IsoDateTime,
      }),
    )
    .max(50),
  paymentOptions: z.array(PaymentOptionSchema).max(30).nullable(),
  product: z.object({ code: Text(20), campaign: Text(60).nullable(), title: Text(200) }).nullable(),
  sms: z.object({
    sentCount: z.number().int().min(0),
    lastSentAt: IsoDateTime.nullable(),
    /** The last SMS request's answer was lost: it may or may not have gone out. */
    uncertain: z.boolean(),
    /** SeQura's per-order limit was reached (429): no resend until this time. */
    blockedUntil: IsoDateTime.nullable(),
    /** Known not sent because SeQura was unreachable: goes by itself when SeQura answers again. */
    queued: z.boolean(),
  }),
  /**
   * The till's ticket number, sent as order_ref_1 and never reused: store-till-installation-stamp
   * (electron/core/journal/ticket-numbers.ts). Sales recorded before that format keep their store-till-sequence.
   */
  ticketNumber: Text(64).nullable(),
  confirmation: z.object({
    requestedAt: IsoDateTime.nullable(),
    confirmedAt: IsoDateTime.nullable(),
    refusal: z.object({ kind: RefusalKindSchema, reasons: z.array(Text(500)).max(20), at: IsoDateTime }).nullable(),
    /** A manager released the goods while the confirmation was still pending (store policy). */
    goodsReleasedBy: Text(64).nullable(),
  }),
  referenceRegisteredAt: IsoDateTime.nullable(),
  handover: z.object({ requestedAt: IsoDateTime.nullable(), doneAt: IsoDateTime.nullable() }),
  finishedAt: IsoDateTime.nullable(),
  /**
   * SeQura answered 429 with Retry-After to this sale's last start, SMS or product list: nothing of it is
   * sent again (by the till or by the cashier) before this time, and the screen says until when.
   */
  waitUntil: IsoDateTime.nullable().default(null),
  /**
   * Automatic retries of the current start or SMS (only of a request known not to have reached SeQura, and
   * at most one); a press of the cashier starts again from 0.
   */
  autoRetries: z.number().int().min(0).default(0),
  /** The last SeQura problem at the current step, shown next to what caused it. */
  lastError: ErrorSummarySchema.nullable(),
  /** Instructions of this sale waiting in the outbox (confirmation, reference, handover…), for the screen. */
  pendingInstructions: z.number().int().min(0),
  needsAttention: z.object({ code: AttentionCodeSchema.optional(), reason: Text(500), at: IsoDateTime }).nullable(),
  timeline: z.array(TimelineEntrySchema).max(200),
  /** After the sale (returns, refunds): empty for records journaled before they existed. */
  returns: z.array(SaleReturnSchema).max(50).default([]),
  /** Cancellation after confirmation and reprints; null until something happens after the sale. */
  postSale: PostSaleSchema.nullable().default(null),
});
export type SaleRecord = z.infer<typeof SaleRecordSchema>;

export function isFinal(step: SaleStep): boolean {
  return FINAL_STEPS.includes(step);
}
