// zod schemas for every SeQura response body the client reads (sequra-api.md §2.8, §2.10, §2.11).
// Permissive on keys we do not use (SeQura adds fields over time), strict on the types of the ones we do.
import { z } from 'zod';

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const nullableCents = z
  .number()
  .int()
  .nonnegative()
  .nullish()
  .transform((v) => v ?? null);

/** One financing product as listed under a payment option (sequra-api.md §2.8). */
export const PaymentMethodEntrySchema = z.looseObject({
  product: z.string().min(1), // "i1" | "pp3" | "pp5" | "sp1" | …
  campaign: nullableString, // e.g. "temporary" for pp5; must be echoed in form_deliveries
  title: z.string(),
  long_title: z.string(),
  claim: nullableString,
  description: nullableString,
  cost_description: nullableString, // "+ 2,95 €", "sin coste adicional"
  min_amount: nullableCents, // cents; "available over this amount"
  max_amount: nullableCents, // cents
  cost: z
    .looseObject({
      setup_fee: z.number().int(),
      instalment_fee: z.number().int(),
      down_payment_fees: z.number().int(),
      instalment_total: z.number().int(),
    })
    .nullish(),
  starts_at: z.string().nullish(),
  ends_at: z.string().nullish(),
});

export const PaymentOptionSchema = z.looseObject({
  title: z.string(),
  description: nullableString,
  category: z.string().min(1), // "pay_now" | "pay_later" | "part_payment" | …
  methods: z.array(PaymentMethodEntrySchema),
});

/** `GET /orders/{uuid}/payment_methods` and `GET /merchants/{id}/payment_methods`. */
export const PaymentMethodsSchema = z.looseObject({
  payment_options: z.array(PaymentOptionSchema),
});

export type PaymentMethods = z.output<typeof PaymentMethodsSchema>;
export type PaymentMethodEntry = z.output<typeof PaymentMethodEntrySchema>;
/** A method with its option's category copied onto it (what the till lists and chooses from). */
export type PaymentMethod = PaymentMethodEntry & { category: string };

/** Flattens `payment_options[].methods[]`, copying the parent `category` onto each method (as IC does). */
export function flattenPaymentMethods(paymentMethods: PaymentMethods): PaymentMethod[] {
  return paymentMethods.payment_options.flatMap((option) =>
    option.methods.map((method) => ({ ...method, category: option.category })),
  );
}

/**
 * One merchant account reachable by the credentials (`GET /merchants/credentials`, sequra-api.md §2.10).
 * Deliberately a plain (stripping) object: the listing also carries `signature_secret`, which must not travel
 * further than this parser (not to the renderer, not to logs).
 */
export const MerchantCredentialSchema = z.object({
  ref: z.union([z.string().min(1), z.number().int()]).transform((v) => String(v)),
  name: nullableString,
  country: z.string().min(2),
  allowed_countries: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  currency: nullableString,
  realm: nullableString,
  confirmation_path: nullableString,
});
export const MerchantCredentialsSchema = z.array(MerchantCredentialSchema);
export type MerchantCredential = z.output<typeof MerchantCredentialSchema>;

/** SeQura's error body (sequra-api.md §2.11): strings or `{title, …}` objects. */
export const SequraErrorBodySchema = z.looseObject({
  errors: z.array(z.union([z.string(), z.looseObject({ title: z.string() })])),
});
export type SequraErrorBody = z.output<typeof SequraErrorBodySchema>;

export function errorBodyMessages(body: SequraErrorBody): string[] {
  return body.errors.map((e) => (typeof e === 'string' ? e : e.title));
}

/**
 * The `Location` header of `POST /orders` (204): an absolute URL on SeQura's host ending in `/orders/<uuid>`
 * (sequra-api.md §2.1). A relative value is resolved against the request URL; the uuid is its last path segment.
 */
export function solicitationLocationSchema(requestUrl: string) {
  return z
    .string({ error: 'Location header missing' })
    .min(1, { error: 'Location header missing' })
    .transform((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value, requestUrl);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Location is not a URL' });
        return z.NEVER;
      }
      const segments = url.pathname.split('/').filter((s) => s !== '');
      const uuid = segments.at(-1) ?? '';
      if (segments.at(-2) !== 'orders' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(uuid)) {
        ctx.addIssue({ code: 'custom', message: 'Location is not an order URL (…/orders/<uuid>)' });
        return z.NEVER;
      }
      return { location: url.href, uuid };
    });
}
