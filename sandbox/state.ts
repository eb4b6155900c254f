// Orders and their life cycle: the state machine of sequra-api.md §4.5, evaluated lazily (expiry and review outcomes are
// applied when an order is next read), so the sandbox owns no timers and closes instantly.
import { randomUUID } from 'node:crypto';
import { formatEuros } from './money.ts';
import { amountWithinLimits, findProduct, SANDBOX_PRODUCTS } from './payment-methods.ts';
import type { SandboxSettings } from './settings.ts';
import {
  cartGrowthError,
  cartIsEmpty,
  cartsOf,
  shopperPhone,
  spanishMobileDigits,
  type Cart,
  type FormDelivery,
  type ValidOrderPayload,
  type ValidOrderUpdate,
} from './validation.ts';
import { isRecord } from './http-io.ts';

export const ORDER_STATES = [
  'solicited',
  'approved',
  'needs_review',
  'on_hold',
  'confirmed',
  'rejected',
  'expired',
  'cancelled',
  'shipped',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const SHOPPER_OUTCOMES = ['approve', 'review_approve', 'review_cancel', 'reject', 'abandon'] as const;
export type ShopperOutcome = (typeof SHOPPER_OUTCOMES)[number];

export interface StateChange {
  at: string;
  from: OrderState | null;
  to: OrderState;
  cause: string;
}

export interface SmsMessage {
  at: string;
  to: string;
  product_code: string;
  campaign: string | null;
  text: string;
  link: string;
}

export interface SandboxOrder {
  uuid: string;
  merchantId: string;
  createdAtMs: number;
  updatedAtMs: number;
  expiresAtMs: number;
  state: OrderState;
  history: StateChange[];
  payload: Record<string, unknown>;
  /** Carts as last stored, by whichever endpoint stored them. */
  cart: Cart | null;
  shippedCart: Cart | null;
  unshippedCart: Cart | null;
  /** What the shopper agreed to: the carts of the solicitation or of the last accepted PUT /orders/{uuid}. */
  agreedCarts: Cart[];
  totalWithTax: number;
  orderRef1: string | null;
  orderRef2: string | null;
  productCode: string | null;
  campaign: string | null;
  sms: SmsMessage[];
  smsSentAtMs: number[];
  formOpened: boolean;
  otpVerified: boolean;
  review: { resolvesAtMs: number; result: 'approved' | 'cancelled' } | null;
  wasOnHold: boolean;
  confirmedCount: number;
  /** When the shopper (or the review) approved it: an approval not confirmed in time expires. */
  approvedAtMs: number | null;
  confirmedAtMs: number | null;
  confirmedTotal: number | null;
}

export type OperationResult = { ok: true } | { ok: false; status: number; errors: string[]; retryAfterS?: number };

const OK: OperationResult = { ok: true };

function conflict(message: string): OperationResult {
  return { ok: false, status: 409, errors: [message] };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// Distinct reasons for every state in which a confirm cannot succeed (sequra-api.md §2.7 recommends distinct messages;
// they are the sandbox's wording, so clients must key on the status code only).
const CANNOT_CONFIRM: Partial<Record<OrderState, string>> = {
  solicited: 'The order has not been approved yet: the shopper has not completed the identification form',
  needs_review: 'The order is under review; it can be confirmed once the review has approved it',
  on_hold: 'The order is on hold under review; it can be confirmed once the review has approved it',
  rejected: 'The order was rejected; it cannot be confirmed. Start a new solicitation',
  expired: 'The solicitation expired before the shopper completed it; start a new solicitation',
  cancelled: 'The order was cancelled; it cannot be confirmed',
};

const FINAL_BEFORE_CONFIRMATION: ReadonlySet<OrderState> = new Set(['rejected', 'expired', 'cancelled']);

/** Sandbox magic names (sequra-api.md §8.2, PW fixtures): these shoppers go to review, then get approved or cancelled. */
function reviewScenario(payload: Record<string, unknown>): 'approved' | 'cancelled' | null {
  for (const key of ['customer', 'delivery_address', 'invoice_address']) {
    const person = payload[key];
    if (!isRecord(person)) continue;
    const fullName = [person.given_names, person.surnames]
      .filter((part): part is string => typeof part === 'string')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
    if (fullName === 'review test approve') return 'approved';
    if (fullName === 'review test cancel') return 'cancelled';
  }
  return null;
}

function refKey(merchantId: string, orderRef1: string): string {
  return `${merchantId}\u0000${orderRef1}`;
}

function expiryFor(payload: Record<string, unknown>, createdAtMs: number, ttlS: number): number {
  let expiresAt = createdAtMs + ttlS * 1000;
  // merchant.timeout bounds how long the form stays usable (sequra-api.md §3.2), so it can only shorten the TTL.
  const merchant = isRecord(payload.merchant) ? payload.merchant : {};
  const timeout = isRecord(merchant.timeout) ? merchant.timeout : {};
  if (typeof timeout.timeout_at === 'string') {
    const timeoutAt = Date.parse(timeout.timeout_at);
    if (Number.isFinite(timeoutAt)) expiresAt = Math.min(expiresAt, timeoutAt);
  }
  return expiresAt;
}

export class OrderStore {
  private readonly orders = new Map<string, SandboxOrder>();
  /** (merchant, order_ref_1) of orders that were ever confirmed: unique per merchant (sequra-api.md §2.4) and the E6 key. */
  private readonly confirmedRefs = new Map<string, string>();

  constructor(private readonly settings: SandboxSettings) {}

  reset(): void {
    this.orders.clear();
    this.confirmedRefs.clear();
  }

  get size(): number {
    return this.orders.size;
  }

  create(valid: ValidOrderPayload, nowMs: number): SandboxOrder {
    const order: SandboxOrder = {
      uuid: randomUUID(),
      merchantId: valid.merchantId,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      expiresAtMs: expiryFor(valid.raw, nowMs, this.settings.solicitationTtlS),
      state: 'solicited',
      history: [{ at: iso(nowMs), from: null, to: 'solicited', cause: 'POST /orders' }],
      payload: valid.raw,
      cart: valid.cart,
      shippedCart: valid.shippedCart,
      unshippedCart: valid.unshippedCart,
      agreedCarts: cartsOf(valid),
      totalWithTax: valid.totalWithTax,
      orderRef1: valid.orderRef1,
      orderRef2: valid.orderRef2,
      productCode: null,
      campaign: null,
      sms: [],
      smsSentAtMs: [],
      formOpened: false,
      otpVerified: false,
      review: null,
      wasOnHold: false,
      confirmedCount: 0,
      approvedAtMs: null,
      confirmedAtMs: null,
      confirmedTotal: null,
    };
    this.orders.set(order.uuid, order);
    return order;
  }

  /** Existence check that does not advance the order's state (used for logging). */
  has(uuid: string): boolean {
    return this.orders.has(uuid);
  }

  get(uuid: string, nowMs: number): SandboxOrder | undefined {
    const order = this.orders.get(uuid);
    if (order) this.advance(order, nowMs);
    return order;
  }

  list(nowMs: number): SandboxOrder[] {
    const orders = [...this.orders.values()];
    for (const order of orders) this.advance(order, nowMs);
    return orders;
  }

  /** E6 addresses orders by order_ref_1 and only sees confirmed ones (sequra-api.md §4.5: on-hold cancels answer 404). */
  findConfirmedByRef(merchantId: string, orderRef1: string, nowMs: number): SandboxOrder | undefined {
    const uuid = this.confirmedRefs.get(refKey(merchantId, orderRef1));
    return uuid === undefined ? undefined : this.get(uuid, nowMs);
  }

  private move(order: SandboxOrder, to: OrderState, cause: string, atMs: number): void {
    order.history.push({ at: iso(atMs), from: order.state, to, cause });
    order.state = to;
    order.updatedAtMs = Math.max(order.updatedAtMs, atMs);
    if (to === 'approved') order.approvedAtMs = atMs;
  }

  private advance(order: SandboxOrder, nowMs: number): void {
    const approvalTtlS = this.settings.approvalTtlS;
    if (order.state === 'approved' && approvalTtlS !== null && order.approvedAtMs !== null) {
      const expiresAtMs = order.approvedAtMs + approvalTtlS * 1000;
      if (nowMs >= expiresAtMs)
        this.move(order, 'expired', 'the approval expired before the merchant confirmed the order', expiresAtMs);
    }
    if (order.state === 'solicited' && nowMs >= order.expiresAtMs) {
      this.move(
        order,
        'expired',
        'the solicitation TTL elapsed without the shopper completing the form',
        order.expiresAtMs,
      );
    }
    if (
      (order.state === 'needs_review' || order.state === 'on_hold') &&
      order.review &&
      nowMs >= order.review.resolvesAtMs
    ) {
      const { result, resolvesAtMs } = order.review;
      order.review = null;
      this.move(
        order,
        result,
        result === 'approved' ? 'the review approved the shopper' : 'the review cancelled the order',
        resolvesAtMs,
      );
    }
  }

  private startReview(order: SandboxOrder, result: 'approved' | 'cancelled', cause: string, nowMs: number): void {
    order.review = { resolvesAtMs: nowMs + this.settings.reviewDelayMs, result };
    this.move(order, 'needs_review', cause, nowMs);
  }

  /** POST /orders/{uuid}/form_deliveries (sequra-api.md §2.2). */
  deliverForm(order: SandboxOrder, delivery: FormDelivery, link: string, nowMs: number): OperationResult {
    if (order.state !== 'solicited') {
      return conflict(
        `The order is ${order.state}; the identification form can only be sent while the order is solicited`,
      );
    }
    const product = findProduct(delivery.productCode);
    if (!product) {
      const offered = SANDBOX_PRODUCTS.map((p) => p.product).join(', ');
      return conflict(
        `Product '${delivery.productCode}' is not available for merchant '${order.merchantId}' (offered: ${offered})`,
      );
    }
    let campaign: string | null = null;
    if (product.campaign !== null) {
      if (delivery.campaign === null)
        return conflict(`campaign is required for product ${product.product} (available: ${product.campaign})`);
      if (delivery.campaign !== product.campaign) {
        return conflict(
          `Campaign '${delivery.campaign}' is not available for product ${product.product} (available: ${product.campaign})`,
        );
      }
      campaign = product.campaign;
    }
    if (!amountWithinLimits(product, order.totalWithTax)) {
      return conflict(
        `Product ${product.product} is not available for this order: order_total_with_tax ${order.totalWithTax} is outside min_amount ${product.minAmount} and max_amount ${product.maxAmount}`,
      );
    }
    // "Do not use [invoice_fee] with product codes other than i1" (sequra-api.md §3.4.1).
    if (
      product.product !== 'i1' &&
      cartsOf(order).some((cart) => cart.items.some((item) => item.type === 'invoice_fee'))
    ) {
      return conflict(
        `Product ${product.product} cannot be used with an invoice_fee item; invoice fees are only allowed with i1`,
      );
    }
    const phone = shopperPhone(order.payload);
    if (phone === null) {
      return conflict(
        'The order has no mobile phone number: set delivery_address.mobile_phone (or invoice_address.mobile_phone)',
      );
    }
    if (spanishMobileDigits(phone) === null) {
      return conflict(`seQura only sends SMS to Spanish mobile numbers; '${phone}' is not one`);
    }
    const windowStartMs = nowMs - this.settings.smsWindowS * 1000;
    order.smsSentAtMs = order.smsSentAtMs.filter((sentAt) => sentAt > windowStartMs);
    if (order.smsSentAtMs.length >= this.settings.smsLimit) {
      const oldest = order.smsSentAtMs[0] ?? nowMs;
      const retryAfterS = Math.max(1, Math.ceil((oldest + this.settings.smsWindowS * 1000 - nowMs) / 1000));
      return {
        ok: false,
        status: 429,
        errors: [
          `Too many SMS for this order: at most ${this.settings.smsLimit} every ${this.settings.smsWindowS} s. Wait and try again later.`,
        ],
        retryAfterS,
      };
    }
    order.smsSentAtMs.push(nowMs);
    order.productCode = product.product;
    order.campaign = campaign;
    order.sms.push({
      at: iso(nowMs),
      to: phone,
      product_code: product.product,
      campaign,
      link,
      text: `seQura: ${order.merchantId} te envía el enlace para pagar ${formatEuros(order.totalWithTax)} con «${product.title}». Ábrelo aquí: ${link}`,
    });
    order.updatedAtMs = nowMs;
    return OK;
  }

  /** The shopper's answer on the phone (or the control API standing in for them), sequra-api.md §8.2. */
  applyShopperOutcome(order: SandboxOrder, outcome: ShopperOutcome, nowMs: number): OperationResult {
    if (order.state !== 'solicited')
      return conflict(`The order is ${order.state}; the shopper can only answer a solicited order`);
    if (order.sms.length === 0)
      return conflict('No SMS has been sent for this order yet, so the shopper has no form to answer');
    switch (outcome) {
      case 'approve': {
        order.otpVerified = true;
        const magic = reviewScenario(order.payload);
        if (magic)
          this.startReview(order, magic, `shopper completed the form; magic name sends it to review (${magic})`, nowMs);
        else this.move(order, 'approved', 'shopper completed the form and was approved', nowMs);
        break;
      }
      case 'review_approve':
        order.otpVerified = true;
        this.startReview(order, 'approved', 'shopper completed the form; sent to review (will be approved)', nowMs);
        break;
      case 'review_cancel':
        order.otpVerified = true;
        this.startReview(order, 'cancelled', 'shopper completed the form; sent to review (will be cancelled)', nowMs);
        break;
      case 'reject':
        this.move(order, 'rejected', 'shopper was rejected', nowMs);
        break;
      case 'abandon':
        // An abandoned form ends as an expired solicitation; the sandbox skips the wait for the TTL.
        this.move(order, 'expired', 'shopper abandoned the form', nowMs);
        break;
    }
    return OK;
  }

  markFormOpened(order: SandboxOrder): void {
    if (order.state === 'solicited' && order.sms.length > 0) order.formOpened = true;
  }

  markOtpVerified(order: SandboxOrder): void {
    if (order.state === 'solicited') order.otpVerified = true;
  }

  /** Same purchase, same shopper (sequra-api.md §2.4): a confirm may shrink the order, never grow it or change who buys. */
  private samePurchaseError(order: SandboxOrder, valid: ValidOrderPayload): string | null {
    if (valid.merchantId !== order.merchantId) {
      return `merchant.id '${valid.merchantId}' does not match the order's merchant '${order.merchantId}'`;
    }
    const growth = cartGrowthError(order.agreedCarts, cartsOf(valid));
    if (growth) return growth;
    const before = isRecord(order.payload.customer) ? order.payload.customer : {};
    const after = isRecord(valid.raw.customer) ? valid.raw.customer : {};
    // The shopper SeQura approved is the one who buys: strict, any change (or removal) of who they are is
    // refused; lenient, only a NIN or birth date replaced by another.
    const strict = this.settings.rejectIdentityChange;
    const fields = strict
      ? (['given_names', 'surnames', 'nin', 'date_of_birth'] as const)
      : (['nin', 'date_of_birth'] as const);
    for (const field of fields) {
      const previous = before[field];
      const next = after[field];
      if (typeof previous !== 'string') continue;
      const normalise = (value: string) => value.replace(/\s+/g, ' ').trim().toUpperCase();
      const changed = typeof next === 'string' ? normalise(previous) !== normalise(next) : strict && next === undefined;
      if (changed) return `customer.${field} changed after the shopper's approval; start a new solicitation`;
    }
    return null;
  }

  private referenceError(order: SandboxOrder, orderRef1: string | null): string | null {
    if (orderRef1 === null) return null;
    if (order.orderRef1 !== null && order.orderRef1 !== orderRef1) {
      return `merchant_reference.order_ref_1 '${orderRef1}' differs from '${order.orderRef1}', already registered for this order`;
    }
    const holder = this.confirmedRefs.get(refKey(order.merchantId, orderRef1));
    if (holder !== undefined && holder !== order.uuid) {
      return `merchant_reference.order_ref_1 '${orderRef1}' is already used by another confirmed order of merchant '${order.merchantId}'`;
    }
    return null;
  }

  private storeAgreedData(
    order: SandboxOrder,
    valid: ValidOrderPayload,
    orderRef1: string | null,
    nowMs: number,
  ): void {
    order.payload = valid.raw;
    order.cart = valid.cart;
    order.shippedCart = valid.shippedCart;
    order.unshippedCart = valid.unshippedCart;
    order.agreedCarts = cartsOf(valid);
    order.totalWithTax = valid.totalWithTax;
    order.orderRef1 = orderRef1;
    if (valid.orderRef2 !== null) order.orderRef2 = valid.orderRef2;
    order.updatedAtMs = nowMs;
  }

  private registerConfirmedRef(order: SandboxOrder): void {
    if (order.orderRef1 !== null) this.confirmedRefs.set(refKey(order.merchantId, order.orderRef1), order.uuid);
  }

  /** PUT /orders/{uuid}: confirm, put on hold, or register references (sequra-api.md §2.4, §4.5). */
  updateSolicited(order: SandboxOrder, valid: ValidOrderPayload, nowMs: number): OperationResult {
    const requested = valid.state;
    if (order.state === 'expired' && order.approvedAtMs !== null)
      return conflict('The approval expired before the order was confirmed; start a new solicitation');
    if (FINAL_BEFORE_CONFIRMATION.has(order.state)) return conflict(CANNOT_CONFIRM[order.state]!);
    if (requested === 'confirmed' && order.state === 'solicited') return conflict(CANNOT_CONFIRM.solicited!);
    if (requested === 'on_hold' && order.state !== 'needs_review' && order.state !== 'on_hold') {
      return conflict(`Only an order under review can be put on hold; this order is ${order.state}`);
    }
    const underReview = order.state === 'needs_review' || order.state === 'on_hold';
    if (requested === 'confirmed' && underReview && this.settings.confirmUnderReview === 'conflict') {
      return conflict(CANNOT_CONFIRM[order.state]!);
    }

    const purchaseError = this.samePurchaseError(order, valid);
    if (purchaseError) return conflict(purchaseError);
    // A ref given at solicitation is checked for uniqueness when the order is confirmed (sequra-api.md §2.4).
    const orderRef1 = valid.orderRef1 ?? order.orderRef1;
    const referenceError = this.referenceError(order, orderRef1);
    if (referenceError) return conflict(referenceError);

    if (order.state === 'shipped') {
      // A late retry of the confirm after the handover: acknowledge it without rewinding the shipped carts.
      if (requested === 'confirmed') order.confirmedCount += 1;
      if (order.orderRef2 === null && valid.orderRef2 !== null) order.orderRef2 = valid.orderRef2;
      return OK;
    }

    this.storeAgreedData(order, valid, orderRef1, nowMs);
    if (requested === 'on_hold' || (requested === 'confirmed' && underReview)) {
      order.wasOnHold = true;
      if (order.state === 'needs_review')
        this.move(order, 'on_hold', 'merchant put the order on hold (PUT state=on_hold)', nowMs);
      return OK;
    }
    if (requested === 'confirmed') {
      if (order.state === 'approved') {
        this.move(order, 'confirmed', 'merchant confirmed the order (PUT state=confirmed)', nowMs);
        order.confirmedAtMs = nowMs;
        order.confirmedTotal = order.totalWithTax;
      }
      order.confirmedCount += 1;
    }
    if (order.state === 'confirmed') {
      order.confirmedTotal = order.totalWithTax;
      this.registerConfirmedRef(order);
    }
    return OK;
  }

  /** PUT /merchants/{id}/orders/{order_ref_1}: ship, return, refund or cancel a confirmed order (sequra-api.md §2.6). */
  updateAfterConfirmation(order: SandboxOrder, update: ValidOrderUpdate, nowMs: number): OperationResult {
    const isCancellation = cartIsEmpty(update.shippedCart) && cartIsEmpty(update.unshippedCart);
    if (order.state === 'cancelled') {
      return isCancellation ? OK : conflict('The order was cancelled; it cannot be updated any more');
    }
    const newTotal = update.shippedCart.order_total_with_tax + update.unshippedCart.order_total_with_tax;
    const ceiling = order.confirmedTotal ?? order.totalWithTax;
    if (newTotal > ceiling) {
      return conflict(
        `Invalid data: the order total cannot be raised after confirmation (from ${ceiling} to ${newTotal})`,
      );
    }
    order.shippedCart = update.shippedCart;
    order.unshippedCart = update.unshippedCart;
    order.updatedAtMs = nowMs;
    if (isCancellation) {
      this.move(order, 'cancelled', 'merchant cancelled the order (both carts empty)', nowMs);
    } else if (!cartIsEmpty(update.shippedCart) && order.state !== 'shipped') {
      this.move(order, 'shipped', 'merchant reported shipped items', nowMs);
    } else if (cartIsEmpty(update.shippedCart) && order.state === 'shipped') {
      this.move(order, 'confirmed', 'merchant reported nothing shipped', nowMs);
    }
    return OK;
  }
}

export interface OrderView {
  uuid: string;
  merchant_id: string;
  state: OrderState;
  created_at: string;
  updated_at: string;
  expires_at: string;
  sms_sent: number;
  sms: SmsMessage[];
  mobile_phone: string | null;
  product_code: string | null;
  campaign: string | null;
  order_ref_1: string | null;
  order_ref_2: string | null;
  confirmed_count: number;
  confirmed_at: string | null;
  order_total_with_tax: number;
  cart: Cart | null;
  shipped_cart: Cart | null;
  unshipped_cart: Cart | null;
  otp_verified: boolean;
  was_on_hold: boolean;
  review: { resolves_at: string; result: 'approved' | 'cancelled' } | null;
  location: string;
  phone_url: string;
  history: StateChange[];
}

export function orderView(order: SandboxOrder, baseUrl: string): OrderView {
  return {
    uuid: order.uuid,
    merchant_id: order.merchantId,
    state: order.state,
    created_at: iso(order.createdAtMs),
    updated_at: iso(order.updatedAtMs),
    expires_at: iso(order.expiresAtMs),
    sms_sent: order.sms.length,
    sms: order.sms,
    mobile_phone: shopperPhone(order.payload),
    product_code: order.productCode,
    campaign: order.campaign,
    order_ref_1: order.orderRef1,
    order_ref_2: order.orderRef2,
    confirmed_count: order.confirmedCount,
    confirmed_at: order.confirmedAtMs === null ? null : iso(order.confirmedAtMs),
    order_total_with_tax: order.totalWithTax,
    cart: order.cart,
    shipped_cart: order.shippedCart,
    unshipped_cart: order.unshippedCart,
    otp_verified: order.otpVerified,
    was_on_hold: order.wasOnHold,
    review: order.review ? { resolves_at: iso(order.review.resolvesAtMs), result: order.review.result } : null,
    location: `${baseUrl}/orders/${order.uuid}`,
    phone_url: `${baseUrl}/phone/${order.uuid}`,
    history: order.history,
  };
}
