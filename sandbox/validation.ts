// SeQura's own checks on order payloads (sequra-api.md §3), with SeQura's message formats where the docs give them
// (the per-cart sum rule, §2.1 and §2.6) and "Invalid data: <field> ..." messages elsewhere.
import { z } from 'zod';
import { isRecord } from './http-io.ts';

const ref = z.union([z.string().min(1), z.int()]);
const cents = z.int();
const text = z.string();
const blankable = z.string();
const filled = z.string().min(1);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const addressSchema = z.object({
  given_names: text.optional(),
  surnames: text.optional(),
  company: blankable,
  address_line_1: blankable,
  address_line_2: blankable,
  postal_code: blankable,
  city: blankable,
  country_code: z.string().regex(/^[A-Z]{2}$/),
  phone: text.optional(),
  mobile_phone: text.optional(),
  state: text.optional(),
  extra: text.optional(),
  vat_number: text.optional(),
});

const previousOrderSchema = z.object({
  created_at: filled,
  amount: cents,
  currency: filled,
  raw_status: text.optional(),
  status: text.optional(),
  payment_method_raw: text.optional(),
  payment_method: text.optional(),
  postal_code: text.optional(),
  country_code: text.optional(),
});

const customerSchema = z.object({
  given_names: text.optional(),
  surnames: text.optional(),
  title: text.optional(),
  email: z.string().regex(/^[^@\s]+@[^@\s]+$/),
  logged_in: z.union([z.boolean(), z.literal('unknown')]),
  language_code: filled,
  ip_number: filled,
  user_agent: text.optional(),
  ref: ref.optional(),
  date_of_birth: isoDate.optional(),
  nin: text.optional(),
  nin_control: text.optional(),
  company: text.optional(),
  vat_number: text.optional(),
  created_at: text.optional(),
  updated_at: text.optional(),
  rating: z.int().min(0).max(100).optional(),
  previous_orders: z.array(previousOrderSchema).optional(),
  vehicle: z.object({ plaque: filled }).optional(),
});

const merchantOptionsSchema = z.object({
  has_jquery: z.boolean().optional(),
  uses_shipped_cart: z.boolean().optional(),
  addresses_may_be_missing: z.boolean().optional(),
  immutable_customer_data: z.boolean().optional(),
  desired_first_charge_on: text.optional(),
});

const merchantSchema = z.object({
  id: ref,
  store_ref: text.optional(),
  operator_ref: text.optional(),
  notify_url: text.optional(),
  return_url: text.optional(),
  approved_url: text.optional(),
  notification_parameters: z.record(z.string(), z.unknown()).optional(),
  options: merchantOptionsSchema.optional(),
  timeout: z.object({ timeout_at: filled, timeout_url: text.optional() }).optional(),
});

const merchantReferenceSchema = z.object({
  order_ref_1: ref,
  order_ref_2: ref.optional(),
  subscription_ref_1: ref.optional(),
});

const trackingSchema = z.object({
  type: z.enum(['pickup_store', 'pickup_point', 'postal']),
  reference: filled,
  carrier: text.optional(),
});

const orderTopLevelSchema = z.object({
  state: text.optional(),
  merchant: merchantSchema,
  merchant_reference: merchantReferenceSchema.optional(),
  trackings: z.array(trackingSchema).optional(),
  delivery_method: z.object({
    name: filled,
    days: text.optional(),
    provider: text.optional(),
    home_delivery: z.boolean().optional(),
  }),
  delivery_address: addressSchema.optional(),
  invoice_address: addressSchema.optional(),
  customer: customerSchema,
  gui: z.object({ layout: z.enum(['desktop', 'smartphone', 'mobile']) }),
  platform: z.object({
    name: filled,
    version: blankable,
    uname: blankable,
    db_name: blankable,
    db_version: blankable,
    plugin_version: text.optional(),
    php_version: text.optional(),
  }),
  instore: z.object({ code: text }).optional(),
  first_charge_date: isoDate.optional(),
});

const cartSchema = z.object({
  currency: z.literal('EUR'),
  gift: z.boolean().optional(),
  order_total_with_tax: cents,
  cart_ref: ref.optional(),
  created_at: text.optional(),
  updated_at: text.optional(),
  items: z.array(z.unknown()),
});

const unitItemFields = {
  reference: ref,
  name: filled,
  price_with_tax: cents,
  total_with_tax: cents,
  downloadable: z.boolean(),
};

const itemSchemas: Record<string, z.ZodType> = {
  product: z.object({ ...unitItemFields, quantity: z.int().positive() }),
  service: z
    .object({
      ...unitItemFields,
      quantity: z.int().nonnegative(),
      ends_on: isoDate.optional(),
      ends_in: text.optional(),
    })
    .refine((item) => (item.ends_on === undefined) !== (item.ends_in === undefined), {
      message: 'needs exactly one of ends_on or ends_in',
    }),
  handling: z.object({ reference: ref, name: filled, total_with_tax: cents }),
  invoice_fee: z.object({ total_with_tax: cents }),
  discount: z.object({ reference: ref, name: filled, total_with_tax: cents.max(0) }),
  other_payment: z.object({ reference: ref, name: filled, total_with_tax: cents.max(0) }),
  registration: z.object({ reference: ref, name: filled, total_with_tax: cents }),
  subscriber_fee: z.object({ name: filled, total_with_tax: cents }),
};

export const ITEM_TYPES = Object.keys(itemSchemas);

export interface CartItem {
  type?: string;
  reference?: string | number;
  name?: string;
  quantity?: number;
  total_with_tax: number;
  [key: string]: unknown;
}

export interface Cart {
  currency: string;
  order_total_with_tax: number;
  items: CartItem[];
  [key: string]: unknown;
}

export type CartName = 'cart' | 'shipped_cart' | 'unshipped_cart';

export interface ValidOrderPayload {
  raw: Record<string, unknown>;
  merchantId: string;
  state: string | null;
  orderRef1: string | null;
  orderRef2: string | null;
  cart: Cart | null;
  shippedCart: Cart | null;
  unshippedCart: Cart | null;
  /** What the shopper finances: the cart, or both carts of a uses_shipped_cart order. */
  totalWithTax: number;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const MAX_REPORTED_ERRORS = 20;

/** Official clients strip nulls before sending (sequra-api.md §1.3); the sandbox treats null and absent alike. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== null && field !== undefined) result[key] = withoutNulls(field);
  }
  return result;
}

function describePath(prefix: string, path: readonly PropertyKey[]): string {
  let result = prefix;
  for (const part of path) {
    if (typeof part === 'number') result += `[${part}]`;
    else result += result === '' ? String(part) : `.${String(part)}`;
  }
  return result || 'body';
}

function describeIssue(prefix: string, issue: z.core.$ZodIssue): string {
  const field = describePath(prefix, issue.path);
  const received = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (received === undefined) return `Invalid data: ${field} is required`;
      return `Invalid data: ${field} must be ${issue.expected === 'int' ? 'an integer (cents)' : `a ${issue.expected}`}`;
    case 'invalid_union':
      if (received === undefined) return `Invalid data: ${field} is required`;
      return `Invalid data: ${field} has an invalid value`;
    case 'too_small':
      if (issue.origin === 'string') return `Invalid data: ${field} can't be blank`;
      return `Invalid data: ${field} must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'too_big':
      return `Invalid data: ${field} must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `Invalid data: ${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `Invalid data: ${field} has an invalid format`;
    default:
      return `Invalid data: ${field} ${issue.message}`;
  }
}

function collectIssues(errors: string[], prefix: string, schema: z.ZodType, value: unknown): boolean {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return true;
  for (const issue of result.error.issues) errors.push(describeIssue(prefix, issue));
  return false;
}

/**
 * The docs' exact message (sequra-api.md §2.1): `Invalid data: items' total_with_tax add up to 5055 (200+295+-1500+6060)
 * but order_total_with_tax is 5097. The diff is 42.`; order updates prefix the cart name (§2.6).
 */
export function sumRuleMessage(cart: Cart, cartLabel: string | null): string | null {
  let sum = 0;
  for (const item of cart.items) sum += item.total_with_tax;
  if (sum === cart.order_total_with_tax) return null;
  const terms = cart.items.map((item) => String(item.total_with_tax)).join('+');
  const prefix = cartLabel ? `In ${cartLabel}, ` : '';
  return `Invalid data: ${prefix}items' total_with_tax add up to ${sum} (${terms}) but order_total_with_tax is ${cart.order_total_with_tax}. The diff is ${cart.order_total_with_tax - sum}.`;
}

function validateCart(errors: string[], cartName: CartName, value: unknown, sumRuleLabel: string | null): Cart | null {
  if (!collectIssues(errors, cartName, cartSchema, value)) return null;
  const cart = value as Cart;
  let itemsValid = true;
  cart.items.forEach((item, index) => {
    const path = `${cartName}.items[${index}]`;
    if (!isRecord(item)) {
      errors.push(`Invalid data: ${path} must be an object`);
      itemsValid = false;
      return;
    }
    const type = item.type ?? 'product';
    const schema = typeof type === 'string' ? itemSchemas[type] : undefined;
    if (!schema) {
      errors.push(`Invalid data: ${path}.type '${String(type)}' is not a valid item type (${ITEM_TYPES.join(', ')})`);
      itemsValid = false;
      return;
    }
    if (!collectIssues(errors, path, schema, item)) itemsValid = false;
  });
  if (!itemsValid) return null;
  const sumError = sumRuleMessage(cart, sumRuleLabel);
  if (sumError) {
    errors.push(sumError);
    return null;
  }
  return cart;
}

export function refToString(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

export function cartIsEmpty(cart: Cart): boolean {
  return cart.items.length === 0 && cart.order_total_with_tax === 0;
}

const MERCHANT_URL_FIELDS = ['notify_url', 'return_url', 'approved_url'] as const;

export interface OrderValidationOptions {
  /** 'solicit' = POST /orders (state must be empty); 'update' = PUT /orders/{uuid}. */
  purpose: 'solicit' | 'update';
  rejectMerchantUrls: boolean;
  requireStoreRefs: boolean;
  rejectBlankPlatform: boolean;
  rejectLegacyTaxFields: boolean;
  checkItemTotals: boolean;
}

const LEGACY_TAX_FIELDS = ['order_total_without_tax', 'total_without_tax', 'price_without_tax', 'tax_rate'] as const;
const PLATFORM_REQUIRED = ['version', 'uname', 'db_name', 'db_version'] as const;

function isBlank(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** The stricter rules SeQura applies on top of the schema (sequra-api.md §3): each can be relaxed by a setting. */
function strictOrderRules(raw: Record<string, unknown>, options: OrderValidationOptions, errors: string[]): void {
  const merchant = isRecord(raw.merchant) ? raw.merchant : {};
  if (options.requireStoreRefs) {
    for (const field of ['store_ref', 'operator_ref'] as const) {
      if (isBlank(merchant[field]))
        errors.push(`Invalid data: merchant.${field} is required for orders placed in a physical store`);
    }
  }
  if (options.rejectBlankPlatform && isRecord(raw.platform)) {
    for (const field of PLATFORM_REQUIRED) {
      if (isBlank(raw.platform[field])) errors.push(`Invalid data: platform.${field} can't be blank`);
    }
  }
  for (const cartName of ['cart', 'shipped_cart', 'unshipped_cart'] as const) {
    const cart = raw[cartName];
    if (!isRecord(cart)) continue;
    if (options.rejectLegacyTaxFields) {
      for (const field of LEGACY_TAX_FIELDS)
        if (cart[field] !== undefined) errors.push(`Invalid data: ${cartName}.${field} is no longer supported`);
    }
    if (!Array.isArray(cart.items)) continue;
    cart.items.forEach((item, index) => {
      if (!isRecord(item)) return;
      const path = `${cartName}.items[${index}]`;
      if (options.rejectLegacyTaxFields) {
        for (const field of LEGACY_TAX_FIELDS)
          if (item[field] !== undefined) errors.push(`Invalid data: ${path}.${field} is no longer supported`);
      }
      const type = item.type ?? 'product';
      if (
        options.checkItemTotals &&
        (type === 'product' || type === 'service') &&
        typeof item.price_with_tax === 'number' &&
        typeof item.quantity === 'number' &&
        typeof item.total_with_tax === 'number' &&
        item.price_with_tax * item.quantity !== item.total_with_tax
      ) {
        errors.push(
          `Invalid data: ${path}.total_with_tax is ${item.total_with_tax} but price_with_tax × quantity is ${item.price_with_tax * item.quantity}`,
        );
      }
    });
  }
}

/** Validates the `order` object of POST /orders and PUT /orders/{uuid} (the body has already been unwrapped). */
export function validateOrderPayload(order: unknown, options: OrderValidationOptions): Validated<ValidOrderPayload> {
  const errors: string[] = [];
  if (!isRecord(order)) return { ok: false, errors: ['param is missing or the value is empty: order'] };
  const raw = withoutNulls(order) as Record<string, unknown>;
  const topLevelValid = collectIssues(errors, '', orderTopLevelSchema, raw);

  const merchant = isRecord(raw.merchant) ? raw.merchant : {};
  const merchantOptions = isRecord(merchant.options) ? merchant.options : {};
  const usesShippedCart = merchantOptions.uses_shipped_cart === true;

  const state = typeof raw.state === 'string' && raw.state !== '' ? raw.state : null;
  if (options.purpose === 'solicit' && state !== null) {
    errors.push(`Invalid data: state must be empty when starting a solicitation (got '${state}')`);
  }
  if (options.purpose === 'update' && state !== null && state !== 'confirmed' && state !== 'on_hold') {
    errors.push(`Invalid data: state '${state}' is not valid here; use 'confirmed' or 'on_hold'`);
  }

  if (merchantOptions.addresses_may_be_missing !== true) {
    if (raw.delivery_address === undefined) errors.push('Invalid data: delivery_address is required');
    if (raw.invoice_address === undefined) errors.push('Invalid data: invoice_address is required');
  }

  if (options.rejectMerchantUrls) {
    for (const field of MERCHANT_URL_FIELDS) {
      if (merchant[field] !== undefined)
        errors.push(`Invalid data: merchant.${field} is not allowed for manual-confirmation merchants`);
    }
  }
  strictOrderRules(raw, options, errors);

  let cart: Cart | null = null;
  let shippedCart: Cart | null = null;
  let unshippedCart: Cart | null = null;
  const hasShippedCarts = raw.shipped_cart !== undefined || raw.unshipped_cart !== undefined;
  if (usesShippedCart) {
    if (raw.cart !== undefined)
      errors.push(
        'Invalid data: cart is not allowed when merchant.options.uses_shipped_cart is true; send shipped_cart and unshipped_cart',
      );
    if (raw.shipped_cart === undefined)
      errors.push('Invalid data: shipped_cart is required when merchant.options.uses_shipped_cart is true');
    else shippedCart = validateCart(errors, 'shipped_cart', raw.shipped_cart, 'shipped_cart');
    if (raw.unshipped_cart === undefined)
      errors.push('Invalid data: unshipped_cart is required when merchant.options.uses_shipped_cart is true');
    else unshippedCart = validateCart(errors, 'unshipped_cart', raw.unshipped_cart, 'unshipped_cart');
  } else {
    if (hasShippedCarts)
      errors.push(
        'Invalid data: shipped_cart and unshipped_cart need merchant.options.uses_shipped_cart = true; otherwise send cart',
      );
    if (raw.cart === undefined) errors.push('Invalid data: cart is required');
    else cart = validateCart(errors, 'cart', raw.cart, null);
  }

  const totalWithTax =
    (cart?.order_total_with_tax ?? 0) +
    (shippedCart?.order_total_with_tax ?? 0) +
    (unshippedCart?.order_total_with_tax ?? 0);
  const cartsValid = usesShippedCart ? shippedCart !== null && unshippedCart !== null : cart !== null;
  if (cartsValid && totalWithTax <= 0)
    errors.push(`Invalid data: order_total_with_tax must be greater than 0 (got ${totalWithTax})`);

  if (!topLevelValid || errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_REPORTED_ERRORS) };

  const reference = isRecord(raw.merchant_reference) ? raw.merchant_reference : {};
  return {
    ok: true,
    value: {
      raw,
      merchantId: refToString(merchant.id)!,
      state,
      orderRef1: refToString(reference.order_ref_1),
      orderRef2: refToString(reference.order_ref_2),
      cart,
      shippedCart,
      unshippedCart,
      totalWithTax,
    },
  };
}

export interface ValidOrderUpdate {
  raw: Record<string, unknown>;
  merchantId: string | null;
  orderRef1: string | null;
  shippedCart: Cart;
  unshippedCart: Cart;
}

const orderUpdateSchema = z.object({
  merchant: z.object({ id: ref, store_ref: text.optional() }).optional(),
  merchant_reference: merchantReferenceSchema.optional(),
  trackings: z.array(trackingSchema).optional(),
  delivery_address: addressSchema.optional(),
  invoice_address: addressSchema.optional(),
  cancellation_reason: text.optional(),
});

/** Validates the `order` object of PUT /merchants/{id}/orders/{order_ref_1} (sequra-api.md §2.6). */
export function validateOrderUpdate(order: unknown): Validated<ValidOrderUpdate> {
  if (!isRecord(order)) return { ok: false, errors: ['param is missing or the value is empty: order'] };
  const errors: string[] = [];
  const raw = withoutNulls(order) as Record<string, unknown>;
  collectIssues(errors, '', orderUpdateSchema, raw);
  if (raw.cart !== undefined)
    errors.push('Invalid data: cart is not allowed in an order update; send shipped_cart and unshipped_cart');
  let shippedCart: Cart | null = null;
  let unshippedCart: Cart | null = null;
  if (raw.shipped_cart === undefined) errors.push('Invalid data: shipped_cart is required');
  else shippedCart = validateCart(errors, 'shipped_cart', raw.shipped_cart, 'shipped_cart');
  if (raw.unshipped_cart === undefined) errors.push('Invalid data: unshipped_cart is required');
  else unshippedCart = validateCart(errors, 'unshipped_cart', raw.unshipped_cart, 'unshipped_cart');
  if (errors.length > 0 || !shippedCart || !unshippedCart)
    return { ok: false, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
  const merchant = isRecord(raw.merchant) ? raw.merchant : {};
  const reference = isRecord(raw.merchant_reference) ? raw.merchant_reference : {};
  return {
    ok: true,
    value: {
      raw,
      merchantId: refToString(merchant.id),
      orderRef1: refToString(reference.order_ref_1),
      shippedCart,
      unshippedCart,
    },
  };
}

const formDeliverySchema = z.object({
  channel: filled,
  product_code: filled,
  product: text.optional(),
  campaign: text.optional(),
  ajax: z.union([z.boolean(), z.string()]).optional(),
});

export interface FormDelivery {
  channel: string;
  productCode: string;
  campaign: string | null;
}

/** Body of POST /orders/{uuid}/form_deliveries: not wrapped in `order` (sequra-api.md §2.2). */
export function validateFormDelivery(body: unknown): Validated<FormDelivery> {
  if (!isRecord(body))
    return {
      ok: false,
      errors: ['Invalid data: the body must be a JSON object like {"channel":"sms","product_code":"pp3"}'],
    };
  const raw = withoutNulls(body) as Record<string, unknown>;
  const errors: string[] = [];
  if (!collectIssues(errors, '', formDeliverySchema, raw)) return { ok: false, errors };
  const delivery = raw as z.infer<typeof formDeliverySchema>;
  if (delivery.channel !== 'sms')
    return {
      ok: false,
      errors: [`Invalid data: channel '${delivery.channel}' is not supported; the only channel is 'sms'`],
    };
  // PC sends both keys with the same value; disagreeing keys are a client bug worth surfacing.
  if (delivery.product !== undefined && delivery.product !== delivery.product_code) {
    return {
      ok: false,
      errors: [`Invalid data: product '${delivery.product}' and product_code '${delivery.product_code}' differ`],
    };
  }
  const campaign = delivery.campaign !== undefined && delivery.campaign !== '' ? delivery.campaign : null;
  return { ok: true, value: { channel: delivery.channel, productCode: delivery.product_code, campaign } };
}

// "seQura only sends SMS to Spanish mobile numbers" (sequra-api.md §2.2): 6 or 7 then 8 digits, optional +34/0034, spaces allowed.
const SPANISH_MOBILE = /^(?:\+34|0034)?([67]\d{8})$/;

/** The national 9 digits of a Spanish mobile number, or null when the number is not one. */
export function spanishMobileDigits(phone: string): string | null {
  const match = SPANISH_MOBILE.exec(phone.replace(/ /g, ''));
  return match ? match[1]! : null;
}

/** Where the SMS goes (sequra-api.md §2.2 [I]): delivery mobile, invoice mobile, delivery phone, invoice phone. */
export function shopperPhone(payload: Record<string, unknown>): string | null {
  const delivery = isRecord(payload.delivery_address) ? payload.delivery_address : {};
  const invoice = isRecord(payload.invoice_address) ? payload.invoice_address : {};
  for (const candidate of [delivery.mobile_phone, invoice.mobile_phone, delivery.phone, invoice.phone]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  return null;
}

function itemKey(item: CartItem): string {
  return `${item.type ?? 'product'}:${String(item.reference ?? '')}`;
}

function itemCount(item: CartItem): number {
  return typeof item.quantity === 'number' ? item.quantity : 1;
}

/**
 * "It is OK if the shopper removes an item but not if they add one" (sequra-api.md §2.4): a confirm may lower the total or
 * drop items, never raise the total, add a chargeable item, or raise a quantity. Discounts and other payments only
 * lower what is financed, so they may appear.
 */
export function cartGrowthError(approved: Cart[], incoming: Cart[]): string | null {
  const approvedTotal = approved.reduce((sum, cart) => sum + cart.order_total_with_tax, 0);
  const incomingTotal = incoming.reduce((sum, cart) => sum + cart.order_total_with_tax, 0);
  if (incomingTotal > approvedTotal) {
    return `The order total was raised from ${approvedTotal} to ${incomingTotal} after the shopper's approval; start a new solicitation`;
  }
  const approvedCounts = new Map<string, number>();
  for (const cart of approved)
    for (const item of cart.items)
      approvedCounts.set(itemKey(item), (approvedCounts.get(itemKey(item)) ?? 0) + itemCount(item));
  const incomingCounts = new Map<string, number>();
  for (const cart of incoming) {
    for (const item of cart.items) {
      if (item.type === 'discount' || item.type === 'other_payment') continue;
      incomingCounts.set(itemKey(item), (incomingCounts.get(itemKey(item)) ?? 0) + itemCount(item));
    }
  }
  for (const [key, count] of incomingCounts) {
    const before = approvedCounts.get(key);
    const reference = key.slice(key.indexOf(':') + 1);
    if (before === undefined)
      return `Item '${reference}' was added to the cart after the shopper's approval; start a new solicitation`;
    if (count > before)
      return `The quantity of item '${reference}' was raised from ${before} to ${count} after the shopper's approval; start a new solicitation`;
  }
  return null;
}

export function cartsOf(value: { cart: Cart | null; shippedCart: Cart | null; unshippedCart: Cart | null }): Cart[] {
  const carts: Cart[] = [];
  if (value.cart) carts.push(value.cart);
  if (value.shippedCart) carts.push(value.shippedCart);
  if (value.unshippedCart) carts.push(value.unshippedCart);
  return carts;
}
