import { z } from 'zod';
import { CartDraftSchema, SaleRecordSchema, ShopperDraftSchema } from '../sale/sale-record.ts';

// Requests and answers of the sale and outbox channels.
export const SaleIdSchema = z.string().min(1).max(64);
export const SaleRefRequest = z.object({ saleId: SaleIdSchema }).strict();

export const SaveDraftRequest = z
  .object({
    saleId: SaleIdSchema,
    stage: z.enum(['cart', 'shopper']),
    cart: CartDraftSchema,
    shopper: ShopperDraftSchema,
  })
  .strict();

/** A saved draft plus what is still wrong with it (field path → validation code), for inline messages. */
export const SaveDraftResponse = z.object({
  sale: SaleRecordSchema,
  problems: z.object({ cart: z.record(z.string(), z.string()), shopper: z.record(z.string(), z.string()) }),
});

export const SendSmsRequest = z
  .object({ saleId: SaleIdSchema, product: z.string().min(1).max(20), campaign: z.string().max(60).nullable() })
  .strict();

/** A manager lets the goods go while the confirmation is still pending (store policy `manager_pin`). */
export const ReleaseGoodsRequest = z
  .object({ saleId: SaleIdSchema, managerPin: z.string().regex(/^\d{4,8}$/) })
  .strict();

/**
 * The merchant's financing products with their amount limits (cents), as SeQura lists them for the merchant
 * (not for an order): what the cart step checks the amount against. Null when SeQura was never reachable.
 */
export const ProductLimitsSchema = z.object({
  fetchedAt: z.string().max(40),
  products: z
    .array(
      z.object({
        product: z.string().min(1).max(20),
        campaign: z.string().max(60).nullable(),
        title: z.string().max(200),
        minAmountCents: z.number().int().nonnegative().nullable(),
        maxAmountCents: z.number().int().nonnegative().nullable(),
      }),
    )
    .max(30),
});
export type ProductLimits = z.infer<typeof ProductLimitsSchema>;
export const ProductLimitsResponse = z.object({ limits: ProductLimitsSchema.nullable() });

/** Print the slip on screen on the receipt printer; `printed: false` means none is configured (use the dialog). */
export const PrintReceiptRequest = z.object({ heightMm: z.number().min(10).max(2000) }).strict();
export const PrintReceiptResponse = z.object({ printed: z.boolean() });

export const CurrentSaleResponse = z.object({ sale: SaleRecordSchema.nullable() });

export const OutboxItemSchema = z.object({
  id: z.string().max(64),
  saleId: z.string().max(64),
  kind: z.enum(['confirm', 'register_reference', 'handover', 'cancel', 'return']),
  state: z.enum(['pending', 'in_flight', 'done', 'needs_attention']),
  attempts: z.number().int().min(0),
  createdAt: z.string().max(40),
  nextAttemptAt: z.string().max(40).nullable(),
  /** SeQura asked the till to wait (Retry-After) until this time before sending it again. */
  waitUntil: z.string().max(40).nullable().default(null),
  lastError: z.string().max(500).nullable(),
  /** The IPC error code of the last failure, so the list says it in the cashier's words. */
  lastErrorCode: z.string().max(60).nullable(),
  ticketNumber: z.string().max(64).nullable(),
  amountCents: z.number().int(),
});
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

export const OutboxListResponse = z.object({ items: z.array(OutboxItemSchema).max(5000) });
export const RetryNowRequest = z.object({ instructionId: z.string().min(1).max(64) }).strict();
