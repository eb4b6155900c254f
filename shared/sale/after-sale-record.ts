import { z } from 'zod';

// What happens to a sale after it was confirmed: returns, partial refunds and a full cancellation,
// each sent to SeQura as an order update (sequra-api.md §2.6) through the outbox. Kept on the sale record itself so the
// sale's page, its slips and the end-of-day report all read one source, and so the history survives restarts.
//
// These fields were added to `SaleRecord` after sales had already been journaled: they default to "nothing
// happened after the sale" when a record written before them is parsed.

const Text = (max: number) => z.string().max(max);
const IsoDateTime = z.string().max(40);

/** Where an after-sale update stands. `refused` (409/404) and `gave_up` need a person; nothing is retried by itself then. */
export const AFTER_SALE_UPDATE_STATES = ['pending', 'done', 'refused', 'gave_up'] as const;
export const AfterSaleUpdateStateSchema = z.enum(AFTER_SALE_UPDATE_STATES);
export type AfterSaleUpdateState = z.infer<typeof AfterSaleUpdateStateSchema>;

/**
 * SeQura's answer to an after-sale update, kept verbatim (its reasons are what SeQura support asks about).
 * For a pending update it is the last failed attempt (e.g. 403 while IT fixes the credentials: still retried).
 */
export const SequraAnswerSchema = z.object({
  /** HTTP status when SeQura answered at all (409, 404, 403, 5xx…); null for network problems. */
  status: z.number().int().nullable(),
  /** The client's error kind: conflict, validation, not_found, forbidden, offline, timeout… */
  code: Text(40),
  message: Text(500),
  reasons: z.array(Text(500)).max(20),
  at: IsoDateTime,
});
export type SequraAnswer = z.infer<typeof SequraAnswerSchema>;

export const ReturnedLineSchema = z.object({ lineId: Text(64), quantity: z.number().int().min(1).max(999) });
export const RefundSchema = z.object({
  /** Unique within the sale; sent to SeQura as the item reference `r_<id>`. */
  id: Text(62),
  amountCents: z.number().int().min(1),
  reason: Text(120),
});

/** One return or refund, as the manager authorised it. The cumulative effect is what SeQura receives. */
export const SaleReturnSchema = z.object({
  /** 'R1', 'R2'… in the order they were made. */
  id: Text(16),
  /** The renderer's idempotency key: the same request sent twice makes one return. */
  requestId: Text(64),
  requestedAt: IsoDateTime,
  /** The manager whose PIN authorised it. */
  authorizedBy: Text(64),
  lines: z.array(ReturnedLineSchema).max(100),
  refunds: z.array(RefundSchema).max(20),
  /** This return alone: goods brought back and money given back without goods. */
  returnedGoodsCents: z.number().int().min(0),
  refundsCents: z.number().int().min(0),
  /** What SeQura financed just before and just after this return (0 after = the order is cancelled). */
  financedBeforeCents: z.number().int().min(0),
  financedAfterCents: z.number().int().min(0),
  instructionId: Text(64),
  state: AfterSaleUpdateStateSchema,
  settledAt: IsoDateTime.nullable(),
  answer: SequraAnswerSchema.nullable(),
});
export type SaleReturn = z.infer<typeof SaleReturnSchema>;

export const CANCELLATION_REASONS = ['customer_request', 'wrong_sale', 'goods_not_delivered', 'other'] as const;
export const CancellationReasonSchema = z.enum(CANCELLATION_REASONS);
export type CancellationReason = z.infer<typeof CancellationReasonSchema>;

/** A full cancellation after confirmation: both carts empty (sequra-api.md §2.6). */
export const SaleCancellationSchema = z.object({
  /** 'C1', 'C2'…: a refused cancellation can be asked again, which makes a new one. */
  id: Text(16),
  requestId: Text(64),
  requestedAt: IsoDateTime,
  authorizedBy: Text(64),
  reason: CancellationReasonSchema,
  note: Text(200),
  /** What SeQura financed when the cancellation was asked (what the shopper no longer owes). */
  financedBeforeCents: z.number().int().min(0),
  instructionId: Text(64),
  state: AfterSaleUpdateStateSchema,
  settledAt: IsoDateTime.nullable(),
  answer: SequraAnswerSchema.nullable(),
});
export type SaleCancellation = z.infer<typeof SaleCancellationSchema>;

export const PostSaleSchema = z.object({
  /** Every cancellation asked for this sale, oldest first; the last one is the one that counts. */
  cancellations: z.array(SaleCancellationSchema).max(20),
  /** Slip reprints, for the audit (each is also in the timeline). */
  reprints: z.number().int().min(0),
});
