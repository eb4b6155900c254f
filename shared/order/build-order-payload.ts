import { multiplyCents, sumCents, type Cents } from '../money/cents.ts';
import { cartTotals, SaleCartSchema, type SaleCart, type TillPaymentMethod } from '../sale/cart.ts';
import type { Shopper } from '../sale/shopper.ts';
import type { ValidationCode } from '../sale/validation-codes.ts';
import { formatMobileForSeQura } from '../spain/mobile.ts';
import { normalizeNin } from '../spain/nin.ts';
import {
  itemsTotalWithTax,
  OrderPayloadSchema,
  OrderUpdatePayloadSchema,
  type AddressPayload,
  type CartPayload,
  type CustomerPayload,
  type OrderItem,
  type OrderPayload,
  type OrderUpdatePayload,
  type PlatformPayload,
} from './payload.ts';

// From the till's sale to SeQura's order payload (sequra-api.md §3, issue "Order payload builder").
//
// Determinism matters: a confirmation is replayed after a crash, and SeQura answers 409 when the confirmed
// order differs from the solicited one (sequra-api.md §2.4). So nothing here reads a clock, a random source or the
// environment: every value comes from the arguments, objects are built in one fixed key order, and the final
// zod parse re-emits keys in schema order. Same input → byte-identical JSON.

export interface OrderContext {
  merchantId: string;
  storeRef: string;
  /** The till; already part of saleId and the ticket number, so it is not sent separately (no field for it). */
  tillId: string;
  operatorRef: string;
  saleId: string;
  /** 1 for the first solicitation of a sale; a restarted solicitation increments it (new cart_ref). */
  attempt: number;
  requireNinControl: boolean;
  usesShippedCart: boolean;
  languageCode: 'es-ES' | 'en-GB';
  appVersion: string;
  platformUname: string;
  ipNumber: string;
  userAgent: string;
}

export type OrderBuildErrorCode = Extract<
  ValidationCode,
  | 'nin_control.required'
  | 'order_ref.invalid'
  | 'return.unknown_line'
  | 'return.invalid_quantity'
  | 'return.quantity_exceeds_sold'
  | 'return.invalid_refund'
  | 'return.duplicate_refund'
  | 'return.nothing_returned'
  | 'return.exceeds_financed'
>;

/** A sale that cannot be turned into a payload; `code` is a validation code the UI can translate. */
export class OrderBuildError extends Error {
  override readonly name = 'OrderBuildError';
  constructor(
    readonly code: OrderBuildErrorCode,
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(`${code}${Object.keys(details).length ? ` ${JSON.stringify(details)}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------- wording

type Language = OrderContext['languageCode'];

// Item names are shown to the shopper by SeQura, so they follow her language.
const WORDING: Record<Language, Record<TillPaymentMethod | 'rounding' | 'refund', string>> = {
  'es-ES': {
    cash: 'Pagado en efectivo en tienda',
    card: 'Pagado con tarjeta en tienda',
    rounding: 'Ajuste por redondeo',
    refund: 'Devolución',
  },
  'en-GB': {
    cash: 'Paid in cash in store',
    card: 'Paid by card in store',
    rounding: 'Rounding adjustment',
    refund: 'Refund',
  },
};

const TILL_PAYMENT_REFERENCE: Record<TillPaymentMethod, string> = { cash: 'CASH', card: 'CARD' };

export const ROUNDING_ITEM_REFERENCE = 'ROUNDING';

// ------------------------------------------------------------------------------------------------ items

function productItem(line: SaleCart['lines'][number], quantity: number): OrderItem {
  return {
    type: 'product',
    reference: line.reference,
    name: line.name,
    price_with_tax: line.unitPriceCents,
    quantity,
    total_with_tax: multiplyCents(line.unitPriceCents, quantity),
    downloadable: false,
  };
}

/** Discounts and till payments: entered as positive amounts at the till, negative items for SeQura. */
function deductionItems(cart: SaleCart, language: Language): OrderItem[] {
  return [
    ...cart.discounts.map((discount): OrderItem => ({
      type: 'discount',
      reference: discount.id,
      name: discount.name,
      total_with_tax: -discount.amountCents,
    })),
    ...cart.tillPayments.map((payment): OrderItem => ({
      type: 'other_payment',
      reference: TILL_PAYMENT_REFERENCE[payment.method],
      name: WORDING[language][payment.method],
      total_with_tax: -payment.amountCents,
    })),
  ];
}

/**
 * Makes Σ items equal `expectedTotalCents` with an explicit, visible item instead of touching any price
 * (sequra-api.md §6.3.3): a `handling` item when the items fall short, a `discount` when they exceed. With whole-cent
 * line totals the sale items always add up exactly, so this is a guard, not a routine path.
 */
export function withRoundingAdjustment(items: OrderItem[], expectedTotalCents: Cents, language: Language): OrderItem[] {
  const difference = expectedTotalCents - sumCents(items.map((item) => item.total_with_tax));
  if (difference === 0) return items;
  const name = WORDING[language].rounding;
  const adjustment: OrderItem =
    difference > 0
      ? { type: 'handling', reference: ROUNDING_ITEM_REFERENCE, name, total_with_tax: difference }
      : { type: 'discount', reference: ROUNDING_ITEM_REFERENCE, name, total_with_tax: difference };
  return [...items, adjustment];
}

function cartRef(context: OrderContext): string {
  if (!Number.isSafeInteger(context.attempt) || context.attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${context.attempt}`);
  }
  return `${context.saleId}-${context.attempt}`;
}

function cartPayload(items: OrderItem[], ref: string): CartPayload {
  return { currency: 'EUR', gift: false, order_total_with_tax: itemsTotalWithTax(items), cart_ref: ref, items };
}

function emptyCart(ref: string): CartPayload {
  return cartPayload([], ref);
}

/** The whole sale as SeQura items, adding up to what SeQura finances. */
function saleItems(cart: SaleCart, language: Language): OrderItem[] {
  const items = [...cart.lines.map((line) => productItem(line, line.quantity)), ...deductionItems(cart, language)];
  return withRoundingAdjustment(items, cartTotals(cart).financedCents, language);
}

// ------------------------------------------------------------------------------------- people and platform

function address(shopper: Shopper): AddressPayload {
  return {
    given_names: shopper.givenNames,
    surnames: surnames(shopper),
    company: '',
    address_line_1: shopper.address?.line1 ?? '',
    address_line_2: shopper.address?.line2 ?? '',
    postal_code: shopper.address?.postalCode ?? '',
    city: shopper.address?.city ?? '',
    country_code: 'ES',
    // SeQura sends the form to the addresses' mobile (sequra-api.md §2.2); both carry it so no precedence rule matters.
    mobile_phone: formatMobileForSeQura(shopper.mobile),
  };
}

function surnames(shopper: Shopper): string {
  return [shopper.firstSurname, shopper.secondSurname].filter((part) => part !== '').join(' ');
}

function customer(shopper: Shopper, context: OrderContext): CustomerPayload {
  const ninControl = normalizeNin(shopper.ninControl);
  if (context.requireNinControl && ninControl === '') throw new OrderBuildError('nin_control.required');
  return {
    given_names: shopper.givenNames,
    surnames: surnames(shopper),
    email: shopper.email,
    // A till cannot know whether the shopper has a SeQura account (sequra-api.md §3.7: "use 'unknown'").
    logged_in: 'unknown',
    language_code: context.languageCode,
    ip_number: context.ipNumber,
    user_agent: context.userAgent,
    date_of_birth: shopper.dateOfBirth,
    nin: normalizeNin(shopper.nin),
    ...(ninControl !== '' ? { nin_control: ninControl } : {}),
  };
}

function platform(context: OrderContext): PlatformPayload {
  // The till keeps its sales in SQLite (better-sqlite3); SeQura only asks which store it is.
  return {
    name: 'sequra-pos',
    version: context.appVersion,
    uname: context.platformUname,
    db_name: 'sqlite',
    db_version: '3',
  };
}

const IN_STORE_DELIVERY = { name: 'instore', home_delivery: false } as const;

function checkOrderRef(orderRef1: string): string {
  if (orderRef1.trim() === '' || orderRef1 !== orderRef1.trim() || orderRef1.length > 64) {
    throw new OrderBuildError('order_ref.invalid', { orderRef1 });
  }
  return orderRef1;
}

// ------------------------------------------------------------------------------------- solicitation / confirm

export interface BuildOrderPayloadInput {
  cart: SaleCart;
  shopper: Shopper;
  context: OrderContext;
  /** '' to start the solicitation (POST /orders), 'confirmed' to confirm it (PUT /orders/{uuid}). */
  state: '' | 'confirmed';
  /** The ticket number, once there is one (always on the confirmation). */
  orderRef1?: string;
}

/**
 * The `order` object for POST /orders and PUT /orders/{uuid}. Throws a ZodError for an invalid cart (the
 * cart form should have caught it), an OrderBuildError for a missing nin_control or bad reference.
 */
export function buildOrderPayload({
  cart: rawCart,
  shopper,
  context,
  state,
  orderRef1,
}: BuildOrderPayloadInput): OrderPayload {
  const cart = SaleCartSchema.parse(rawCart);
  const ref = cartRef(context);
  const items = saleItems(cart, context.languageCode);

  const merchant: OrderPayload['merchant'] = {
    id: context.merchantId,
    store_ref: context.storeRef,
    operator_ref: context.operatorRef,
    // Goods leave the shop at the till; stores enabled for it tell SeQura at once (sequra-api.md §3.1).
    ...(context.usesShippedCart ? { options: { uses_shipped_cart: true } } : {}),
  };
  const carts: Pick<OrderPayload, 'cart' | 'unshipped_cart' | 'shipped_cart'> = context.usesShippedCart
    ? { unshipped_cart: emptyCart(ref), shipped_cart: cartPayload(items, ref) }
    : { cart: cartPayload(items, ref) };

  const payload: OrderPayload = {
    state,
    merchant,
    ...(orderRef1 !== undefined ? { merchant_reference: { order_ref_1: checkOrderRef(orderRef1) } } : {}),
    ...carts,
    delivery_method: { ...IN_STORE_DELIVERY },
    delivery_address: address(shopper),
    invoice_address: address(shopper),
    customer: customer(shopper, context),
    gui: { layout: 'desktop' },
    platform: platform(context),
  };
  return OrderPayloadSchema.parse(payload);
}

// ---------------------------------------------------------------------------------------- order updates (E6)

interface UpdateBase {
  context: OrderContext;
  orderRef1: string;
}

function updateHeader({ context, orderRef1 }: UpdateBase): Pick<OrderUpdatePayload, 'merchant' | 'merchant_reference'> {
  return {
    merchant: { id: context.merchantId, store_ref: context.storeRef },
    merchant_reference: { order_ref_1: checkOrderRef(orderRef1) },
  };
}

/** Without a shopper (after the privacy purge) the update carries no personal data: SeQura's update does not need it. */
function updateDetails(
  shopper: Shopper | null,
  context: OrderContext,
): Pick<OrderUpdatePayload, 'delivery_method' | 'delivery_address' | 'invoice_address' | 'customer' | 'platform'> {
  const person = shopper && {
    delivery_address: address(shopper),
    invoice_address: address(shopper),
    customer: customer(shopper, context),
  };
  return { delivery_method: { ...IN_STORE_DELIVERY }, ...person, platform: platform(context) };
}

export interface BuildHandoverUpdateInput extends UpdateBase {
  cart: SaleCart;
  shopper: Shopper;
  /** When the goods left the store, ISO-8601 with offset. Passed in so the payload stays deterministic. */
  deliveredAt: string;
}

/**
 * Everything handed over at the till: all items shipped, nothing unshipped (sequra-api.md §2.6). SeQura pays the
 * merchant and starts the shopper's plan only after this update.
 */
export function buildHandoverUpdate({
  cart: rawCart,
  shopper,
  context,
  orderRef1,
  deliveredAt,
}: BuildHandoverUpdateInput): OrderUpdatePayload {
  const cart = SaleCartSchema.parse(rawCart);
  const ref = cartRef(context);
  const update: OrderUpdatePayload = {
    ...updateHeader({ context, orderRef1 }),
    unshipped_cart: emptyCart(ref),
    shipped_cart: cartPayload(saleItems(cart, context.languageCode), ref),
    // A pickup_store tracking with delivered_at marks the goods as handed over in the store (sequra-api.md §3.9).
    trackings: [
      {
        type: 'pickup_store',
        reference: orderRef1,
        store_ref: context.storeRef,
        operator_ref: context.operatorRef,
        delivered_at: deliveredAt,
      },
    ],
    ...updateDetails(shopper, context),
  };
  return OrderUpdatePayloadSchema.parse(update);
}

/** Full cancellation of a confirmed order: both carts empty (sequra-api.md §2.6). */
export function buildCancellationUpdate({ context, orderRef1 }: UpdateBase): OrderUpdatePayload {
  const ref = cartRef(context);
  return OrderUpdatePayloadSchema.parse({
    ...updateHeader({ context, orderRef1 }),
    unshipped_cart: emptyCart(ref),
    shipped_cart: emptyCart(ref),
  } satisfies OrderUpdatePayload);
}

// ------------------------------------------------------------------------------------------------- returns

export interface ReturnedGoods {
  /** Units brought back per cart line. */
  lines: { lineId: string; quantity: number }[];
  /** Money given back without goods (e.g. a price adjustment), each sent as a negative other_payment item. */
  refunds: { id: string; amountCents: Cents }[];
}

export interface ReturnTotals {
  originalFinancedCents: Cents;
  returnedGoodsCents: Cents;
  refundsCents: Cents;
  /** What SeQura still finances after the return; 0 means the order is cancelled. */
  newFinancedCents: Cents;
}

/**
 * The effect of a return on what SeQura finances, for the confirmation screen and for the builder.
 * `returned` is cumulative for the sale (everything returned so far), because each order update replaces the
 * shipped cart as a whole. Throws OrderBuildError for anything that cannot be sent.
 */
export function returnTotals(rawCart: SaleCart, returned: ReturnedGoods): ReturnTotals {
  const cart = SaleCartSchema.parse(rawCart);
  if (returned.lines.length === 0 && returned.refunds.length === 0)
    throw new OrderBuildError('return.nothing_returned');

  const returnedQuantities = returnedQuantitiesByLine(cart, returned);
  const returnedGoodsCents = sumCents(
    cart.lines.map((line) => multiplyCents(line.unitPriceCents, returnedQuantities.get(line.id) ?? 0)),
  );

  const refundIds = new Set<string>();
  for (const refund of returned.refunds) {
    // The item reference is `r_<id>` (sequra-api.md §2.6, as SeQura's WooCommerce plugin does), kept within 64 characters.
    if (typeof refund.id !== 'string' || refund.id.trim() === '' || refund.id.length > 62) {
      throw new OrderBuildError('return.invalid_refund', { refundId: String(refund.id) });
    }
    if (!Number.isSafeInteger(refund.amountCents) || refund.amountCents < 1) {
      throw new OrderBuildError('return.invalid_refund', { refundId: refund.id, amountCents: refund.amountCents });
    }
    if (refundIds.has(refund.id)) throw new OrderBuildError('return.duplicate_refund', { refundId: refund.id });
    refundIds.add(refund.id);
  }
  const refundsCents = sumCents(returned.refunds.map((refund) => refund.amountCents));

  const originalFinancedCents = cartTotals(cart).financedCents;
  const reductionCents = returnedGoodsCents + refundsCents;
  // The cart's discounts and till payments stay in the shipped cart, so giving back more than SeQura financed
  // would push its total below zero; the rest must be refunded at the till.
  if (reductionCents > originalFinancedCents) {
    throw new OrderBuildError('return.exceeds_financed', { financedCents: originalFinancedCents, reductionCents });
  }
  return {
    originalFinancedCents,
    returnedGoodsCents,
    refundsCents,
    newFinancedCents: originalFinancedCents - reductionCents,
  };
}

function returnedQuantitiesByLine(cart: SaleCart, returned: ReturnedGoods): Map<string, number> {
  const soldById = new Map(cart.lines.map((line) => [line.id, line.quantity]));
  const quantities = new Map<string, number>();
  for (const entry of returned.lines) {
    const sold = soldById.get(entry.lineId);
    if (sold === undefined) throw new OrderBuildError('return.unknown_line', { lineId: String(entry.lineId) });
    if (!Number.isSafeInteger(entry.quantity) || entry.quantity < 1) {
      throw new OrderBuildError('return.invalid_quantity', { lineId: entry.lineId, quantity: entry.quantity });
    }
    const total = (quantities.get(entry.lineId) ?? 0) + entry.quantity;
    if (total > sold)
      throw new OrderBuildError('return.quantity_exceeds_sold', { lineId: entry.lineId, sold, returned: total });
    quantities.set(entry.lineId, total);
  }
  return quantities;
}

export interface BuildReturnUpdateInput extends UpdateBase {
  cart: SaleCart;
  /**
   * Null when the sale no longer has a usable shopper (the privacy purge blanked it): the update then leaves
   * out the customer and the addresses, which are optional in an order update (sequra-api.md §2.6).
   */
  shopper: Shopper | null;
  returned: ReturnedGoods;
}

/**
 * A partial return or refund after confirmation: `shipped_cart` becomes what the shopper keeps, with each
 * refund as a negative `other_payment` item `r_<id>` (sequra-api.md §2.6). When nothing is left to finance, both carts
 * are empty, which SeQura reads as a cancellation.
 */
export function buildReturnUpdate({
  cart: rawCart,
  shopper,
  context,
  orderRef1,
  returned,
}: BuildReturnUpdateInput): OrderUpdatePayload {
  const cart = SaleCartSchema.parse(rawCart);
  const totals = returnTotals(cart, returned);
  const ref = cartRef(context);
  const language = context.languageCode;

  let shippedCart: CartPayload;
  if (totals.newFinancedCents === 0) {
    shippedCart = emptyCart(ref);
  } else {
    const returnedQuantities = returnedQuantitiesByLine(cart, returned);
    const keptLines = cart.lines
      .map((line) => ({ line, kept: line.quantity - (returnedQuantities.get(line.id) ?? 0) }))
      .filter(({ kept }) => kept > 0)
      .map(({ line, kept }) => productItem(line, kept));
    const refundItems = returned.refunds.map((refund): OrderItem => ({
      type: 'other_payment',
      reference: `r_${refund.id}`,
      name: WORDING[language].refund,
      total_with_tax: -refund.amountCents,
    }));
    const items = withRoundingAdjustment(
      [...keptLines, ...deductionItems(cart, language), ...refundItems],
      totals.newFinancedCents,
      language,
    );
    shippedCart = cartPayload(items, ref);
  }

  const update: OrderUpdatePayload = {
    ...updateHeader({ context, orderRef1 }),
    unshipped_cart: emptyCart(ref),
    shipped_cart: shippedCart,
    ...updateDetails(shopper, context),
  };
  return OrderUpdatePayloadSchema.parse(update);
}
