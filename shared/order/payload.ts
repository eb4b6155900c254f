import { z } from 'zod';
import { CentsSchema } from '../money/cents.ts';

// SeQura's order payload (the `order` object of POST /orders, PUT /orders/{uuid} and the E6 order update), as
// the POS sends it. Source: docs/sequra-api.md §3. Objects are `.strict()` so a typo, an obsolete
// field (`order_total_without_tax`, sequra-api.md §3.4) or a URL in `merchant` (forbidden in the manual-confirmation
// flow, sequra-api.md §0 and §6.3.5) fails here, before anything leaves the till.
//
// Issue messages are stable validation codes (see shared/sale/validation-codes.ts); the numbers behind a
// failed sum rule travel in the issue's `params`, and `describeItemsTotalMismatch` renders SeQura's own
// 409 sentence for logs and for the sandbox.

/** "(string or int)" identifiers of the spec. */
export const RefSchema = z.union([z.string().min(1).max(128), z.int().nonnegative()]);

const IsoDateSchema = z.iso.date({ error: 'date.invalid' });
const IsoDateTimeSchema = z.iso.datetime({ offset: true, error: 'datetime.invalid' });

const nonNegativeCents = CentsSchema.min(0, { error: 'money.negative' });
const negativeCents = CentsSchema.max(-1, { error: 'money.must_be_negative' });

// ---------------------------------------------------------------------------------------------- items (§3.4.1)
// `type` is always sent by the POS, so the union requires it although SeQura defaults a missing type to product.

export const ProductItemSchema = z
  .object({
    type: z.literal('product'),
    reference: RefSchema,
    name: z.string().min(1).max(255),
    price_with_tax: nonNegativeCents,
    quantity: z.int().positive(),
    // Not checked against quantity × price_with_tax: SeQura allows a rounded line total (sequra-api.md §3.4.1).
    total_with_tax: nonNegativeCents,
    downloadable: z.boolean(),
    perishable: z.boolean().optional(),
    personalized: z.boolean().optional(),
    restockable: z.boolean().optional(),
    category: z.string().optional(),
    description: z.string().optional(),
    manufacturer: z.string().optional(),
    supplier: z.string().optional(),
    product_id: RefSchema.optional(),
    url: z.string().optional(),
    tracking_reference: z.string().optional(),
  })
  .strict();

export const ServiceItemSchema = z
  .object({
    type: z.literal('service'),
    reference: RefSchema,
    name: z.string().min(1).max(255),
    price_with_tax: nonNegativeCents,
    quantity: z.int().nonnegative(),
    total_with_tax: nonNegativeCents,
    downloadable: z.boolean(),
    ends_on: IsoDateSchema.optional(),
    ends_in: z
      .string()
      .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, { error: 'duration.invalid' })
      .optional(),
    supplier: z.string().optional(),
    rendered: z.boolean().optional(),
  })
  .strict()
  // Exactly one of ends_on / ends_in (IC `ServiceItem` throws otherwise).
  .refine((item) => (item.ends_on === undefined) !== (item.ends_in === undefined), {
    error: 'payload.service_end_required',
    path: ['ends_on'],
  });

export const HandlingItemSchema = z
  .object({
    type: z.literal('handling'),
    reference: RefSchema,
    name: z.string().min(1).max(255),
    total_with_tax: nonNegativeCents,
  })
  .strict();

export const InvoiceFeeItemSchema = z
  .object({ type: z.literal('invoice_fee'), total_with_tax: nonNegativeCents })
  .strict();

export const DiscountItemSchema = z
  .object({
    type: z.literal('discount'),
    reference: RefSchema,
    name: z.string().min(1).max(255),
    total_with_tax: negativeCents,
  })
  .strict();

/** Money paid by other means (cash/card at the till) or refunded after a return: always negative. */
export const OtherPaymentItemSchema = z
  .object({
    type: z.literal('other_payment'),
    reference: RefSchema,
    name: z.string().min(1).max(255),
    total_with_tax: negativeCents,
  })
  .strict();

export const RegistrationItemSchema = z
  .object({
    type: z.literal('registration'),
    reference: RefSchema,
    name: z.string().min(1).max(255),
    total_with_tax: nonNegativeCents,
  })
  .strict();

export const OrderItemSchema = z.discriminatedUnion('type', [
  ProductItemSchema,
  ServiceItemSchema,
  HandlingItemSchema,
  InvoiceFeeItemSchema,
  DiscountItemSchema,
  OtherPaymentItemSchema,
  RegistrationItemSchema,
]);
export type OrderItem = z.infer<typeof OrderItemSchema>;

// ----------------------------------------------------------------------------------------------- cart (§3.4)

/** Σ items.total_with_tax, in integer cents. */
export function itemsTotalWithTax(items: readonly Pick<OrderItem, 'total_with_tax'>[]): number {
  return items.reduce((sum, item) => sum + item.total_with_tax, 0);
}

/**
 * SeQura's own 409 sentence for a broken sum rule (sequra-api.md §2.1 / §2.6), e.g.
 * "Invalid data: items' total_with_tax add up to 5055 (200+295+-1500+6060) but order_total_with_tax is 5097. The diff is 42."
 * Returns null when the cart adds up. `cartName` adds the "In shipped_cart, " prefix used by the order update.
 */
export function describeItemsTotalMismatch(
  cart: { order_total_with_tax: number; items: readonly Pick<OrderItem, 'total_with_tax'>[] },
  cartName?: string,
): string | null {
  const itemsTotal = itemsTotalWithTax(cart.items);
  if (itemsTotal === cart.order_total_with_tax) return null;
  const terms = cart.items.map((item) => String(item.total_with_tax)).join('+');
  const prefix = cartName ? `In ${cartName}, ` : '';
  return (
    `Invalid data: ${prefix}items' total_with_tax add up to ${itemsTotal} (${terms}) ` +
    `but order_total_with_tax is ${cart.order_total_with_tax}. The diff is ${cart.order_total_with_tax - itemsTotal}.`
  );
}

export const CartPayloadSchema = z
  .object({
    currency: z.literal('EUR'),
    gift: z.boolean().optional(),
    // 0 is legal: the order update empties carts (sequra-api.md §2.6); a solicitation additionally needs > 0, see below.
    order_total_with_tax: nonNegativeCents,
    cart_ref: RefSchema.optional(),
    created_at: IsoDateTimeSchema.optional(),
    updated_at: IsoDateTimeSchema.optional(),
    items: z.array(OrderItemSchema).max(500),
  })
  .strict()
  .superRefine((cart, ctx) => {
    const itemsTotal = itemsTotalWithTax(cart.items);
    if (itemsTotal !== cart.order_total_with_tax) {
      ctx.addIssue({
        code: 'custom',
        message: 'payload.items_total_mismatch',
        path: ['order_total_with_tax'],
        params: {
          itemsTotal,
          orderTotal: cart.order_total_with_tax,
          diff: cart.order_total_with_tax - itemsTotal,
          detail: describeItemsTotalMismatch(cart),
        },
      });
    }
  });
export type CartPayload = z.infer<typeof CartPayloadSchema>;

// --------------------------------------------------------------------------------------- merchant (§3.2, §3.3)

export const MerchantOptionsSchema = z
  .object({
    uses_shipped_cart: z.boolean().optional(),
    addresses_may_be_missing: z.boolean().optional(),
    immutable_customer_data: z.boolean().optional(),
  })
  .strict();

/**
 * The POS merchant block. Strict on purpose: `notify_url`, `return_url`, `approved_url` (and every other
 * online-only callback) are unknown keys here, so a payload carrying them cannot pass.
 */
export const MerchantSchema = z
  .object({
    id: RefSchema,
    // Mandatory for physical stores (sequra-api.md §3.2), and the cashier id lets SeQura support trace a sale.
    store_ref: z.string().min(1).max(64),
    operator_ref: z.string().min(1).max(64),
    options: MerchantOptionsSchema.optional(),
  })
  .strict();

export const MerchantReferenceSchema = z.object({ order_ref_1: RefSchema, order_ref_2: RefSchema.optional() }).strict();

// -------------------------------------------------------------------------------- the rest of the order (§3.5–3.9)

export const DeliveryMethodSchema = z
  .object({
    name: z.string().min(1).max(64),
    days: z.string().optional(),
    provider: z.string().optional(),
    home_delivery: z.boolean().optional(),
  })
  .strict();

export const AddressSchema = z
  .object({
    given_names: z.string().max(255).optional(),
    surnames: z.string().max(255).optional(),
    company: z.string().max(255),
    address_line_1: z.string().max(255),
    address_line_2: z.string().max(255),
    postal_code: z.string().max(16),
    city: z.string().max(255),
    country_code: z.string().regex(/^[A-Z]{2}$/, { error: 'country_code.invalid' }),
    phone: z.string().max(32).optional(),
    mobile_phone: z.string().max(32).optional(),
    state: z.string().max(255).optional(),
    extra: z.string().max(255).optional(),
    vat_number: z.string().max(32).optional(),
  })
  .strict();
export type AddressPayload = z.infer<typeof AddressSchema>;

export const CustomerSchema = z
  .object({
    given_names: z.string().max(255).optional(),
    surnames: z.string().max(255).optional(),
    title: z.string().max(16).optional(),
    email: z.string().min(1).max(254),
    logged_in: z.union([z.boolean(), z.literal('unknown')]),
    language_code: z.string().min(2).max(16),
    ip_number: z.string().min(1).max(64),
    user_agent: z.string().max(1024).nullable(),
    ref: RefSchema.optional(),
    date_of_birth: IsoDateSchema.optional(),
    nin: z.string().max(32).optional(),
    nin_control: z.string().max(32).optional(),
    company: z.string().max(255).optional(),
    vat_number: z.string().max(32).optional(),
  })
  .strict();
export type CustomerPayload = z.infer<typeof CustomerSchema>;

export const GuiSchema = z.object({ layout: z.enum(['desktop', 'smartphone']) }).strict();

export const PlatformSchema = z
  .object({
    name: z.string().min(1).max(64),
    version: z.string().min(1).max(64),
    uname: z.string().max(255),
    db_name: z.string().min(1).max(64),
    db_version: z.string().min(1).max(64),
    plugin_version: z.string().max(64).optional(),
  })
  .strict();
export type PlatformPayload = z.infer<typeof PlatformSchema>;

const PickupTrackingSchema = z
  .object({
    type: z.enum(['pickup_store', 'pickup_point']),
    reference: z.string().min(1).max(128),
    operator_ref: z.string().optional(),
    store_ref: z.string().optional(),
    tracking_number: z.string().optional(),
    available_at: IsoDateTimeSchema.optional(),
    // "When set, the delivery is considered to be handed" (sequra-api.md §3.9).
    delivered_at: IsoDateTimeSchema.optional(),
    address_line_1: z.string().optional(),
    address_line_2: z.string().optional(),
    postal_code: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    country_code: z.string().optional(),
  })
  .strict();

const PostalTrackingSchema = z
  .object({
    type: z.literal('postal'),
    reference: z.string().min(1).max(128),
    carrier: z.string().min(1),
    tracking_number: z.string().optional(),
    tracking_url: z.string().optional(),
    delivered_at: IsoDateTimeSchema.optional(),
  })
  .strict();

export const TrackingSchema = z.discriminatedUnion('type', [PickupTrackingSchema, PostalTrackingSchema]);

// ----------------------------------------------------------------------------------------- order (§3.1, E1/E4)

export const OrderStateSchema = z.enum(['', 'confirmed', 'on_hold']);

export const OrderPayloadSchema = z
  .object({
    state: OrderStateSchema,
    merchant: MerchantSchema,
    merchant_reference: MerchantReferenceSchema.optional(),
    // Either `cart`, or both `unshipped_cart` and `shipped_cart` with merchant.options.uses_shipped_cart (sequra-api.md §3.1).
    cart: CartPayloadSchema.optional(),
    unshipped_cart: CartPayloadSchema.optional(),
    shipped_cart: CartPayloadSchema.optional(),
    trackings: z.array(TrackingSchema).max(50).optional(),
    delivery_method: DeliveryMethodSchema,
    delivery_address: AddressSchema,
    invoice_address: AddressSchema,
    customer: CustomerSchema,
    gui: GuiSchema,
    platform: PlatformSchema,
  })
  .strict()
  .superRefine((order, ctx) => {
    const usesShippedCart = order.merchant.options?.uses_shipped_cart === true;
    if (usesShippedCart) {
      if (order.cart !== undefined) {
        // SeQura "requires two carts … and forbids the `cart` key" in this mode (sequra-api.md §3.1).
        ctx.addIssue({ code: 'custom', message: 'payload.cart_forbidden_with_shipped_cart', path: ['cart'] });
      }
      if (order.shipped_cart === undefined)
        ctx.addIssue({ code: 'custom', message: 'required', path: ['shipped_cart'] });
      if (order.unshipped_cart === undefined)
        ctx.addIssue({ code: 'custom', message: 'required', path: ['unshipped_cart'] });
    } else {
      if (order.cart === undefined) ctx.addIssue({ code: 'custom', message: 'required', path: ['cart'] });
      for (const key of ['shipped_cart', 'unshipped_cart'] as const) {
        if (order[key] !== undefined) {
          ctx.addIssue({ code: 'custom', message: 'payload.shipped_cart_needs_option', path: [key] });
        }
      }
    }
    // PC refuses to send a solicitation with nothing to finance (`qualifyForSolicitation`, sequra-api.md §2.1).
    const financed =
      (order.cart?.order_total_with_tax ?? 0) +
      (order.shipped_cart?.order_total_with_tax ?? 0) +
      (order.unshipped_cart?.order_total_with_tax ?? 0);
    if (financed <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'payload.nothing_to_finance',
        path: [usesShippedCart ? 'shipped_cart' : 'cart'],
      });
    }
  });
export type OrderPayload = z.infer<typeof OrderPayloadSchema>;

// ------------------------------------------------------------------------------------------ order update (E6)

export const OrderUpdatePayloadSchema = z
  .object({
    // The update addresses the order by id + order_ref_1; operator and options are not part of it (sequra-api.md §2.6).
    merchant: z.object({ id: RefSchema, store_ref: z.string().min(1).max(64).optional() }).strict(),
    merchant_reference: MerchantReferenceSchema,
    unshipped_cart: CartPayloadSchema,
    shipped_cart: CartPayloadSchema,
    trackings: z.array(TrackingSchema).max(50).optional(),
    delivery_method: DeliveryMethodSchema.optional(),
    delivery_address: AddressSchema.optional(),
    invoice_address: AddressSchema.optional(),
    customer: CustomerSchema.optional(),
    platform: PlatformSchema.optional(),
    // Only seen in an SFCC integration (sequra-api.md §2.6, low authority); optional and harmless.
    cancellation_reason: z.string().min(1).max(64).optional(),
  })
  .strict();
export type OrderUpdatePayload = z.infer<typeof OrderUpdatePayloadSchema>;

// ------------------------------------------------------------------------------------- SMS form delivery (E2)

/**
 * Body of POST /orders/{uuid}/form_deliveries (not wrapped in `order`). Unknown keys are stripped rather than
 * refused, because real clients also send e.g. `ajax` and SeQura accepts it (sequra-api.md §2.2).
 */
export const FormDeliveryRequestSchema = z
  .object({
    channel: z.literal('sms'),
    product_code: z.string().min(1).max(32),
    // PC sends `product` too, always equal to product_code.
    product: z.string().min(1).max(32).optional(),
    campaign: z.string().min(1).max(64).optional(),
  })
  .superRefine((request, ctx) => {
    if (request.product_code === 'pp5' && request.campaign === undefined) {
      ctx.addIssue({ code: 'custom', message: 'form_delivery.campaign_required', path: ['campaign'] });
    }
    if (request.product !== undefined && request.product !== request.product_code) {
      ctx.addIssue({ code: 'custom', message: 'form_delivery.product_mismatch', path: ['product'] });
    }
  });
export type FormDeliveryRequest = z.infer<typeof FormDeliveryRequestSchema>;
