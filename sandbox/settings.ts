// Sandbox settings: the options callers pass, resolved against documented defaults.
// Every behaviour SeQura does not document (sequra-api.md §8.3, §9) is a setting here, defaulting to what the spec recommends.

export type ConfirmUnderReviewBehaviour = 'conflict' | 'on_hold';

export interface SandboxSettings {
  username: string;
  password: string;
  merchants: string[];
  /** Successful SMS per order within `smsWindowS` before form_deliveries answers 429. */
  smsLimit: number;
  smsWindowS: number;
  /** needs_review/on_hold orders resolve (approved or cancelled) this long after the shopper finished. */
  reviewDelayMs: number;
  /** A solicited order nobody completed expires this long after POST /orders. Fractions allowed (tests). */
  solicitationTtlS: number;
  /** What `PUT state=confirmed` does on an order under review: 409 (default) or 200 that leaves it on hold. */
  confirmUnderReview: ConfirmUnderReviewBehaviour;
  /** Manual-confirmation merchants must not send notify_url/return_url/approved_url (409, like SeQura). */
  rejectMerchantUrls: boolean;
  /** A physical-store order (POST /orders, PUT /orders/{uuid}) must carry merchant.store_ref and operator_ref. */
  requireStoreRefs: boolean;
  /** platform.version, uname, db_name and db_version must not be blank. */
  rejectBlankPlatform: boolean;
  /** Legacy order_total_without_tax / total_without_tax / price_without_tax / tax_rate are refused. */
  rejectLegacyTaxFields: boolean;
  /** Product and service items: total_with_tax must be price_with_tax × quantity. */
  checkItemTotals: boolean;
  /** The shopper's names, NIN or date of birth may not change at confirmation (409). */
  rejectIdentityChange: boolean;
  /** A request for the same order that arrives before its 429's Retry-After gets 429 again. */
  enforceRetryAfter: boolean;
  /** An approved order not confirmed within this many seconds expires (null: never). */
  approvalTtlS: number | null;
  /** Seed for fault randomness; the generator restarts from it whenever faults are set or the sandbox is reset. */
  seed: number;
  requestLogLimit: number;
  /** Print one line per SeQura request (CLI --verbose). Off by default because console writes are slow. */
  logRequests: boolean;
  quiet: boolean;
}

export const SANDBOX_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  cliPort: 8787,
  username: 'sandbox-user',
  password: 'sandbox-secret',
  merchants: ['pos_demo_es'],
  smsLimit: 3,
  smsWindowS: 600,
  reviewDelayMs: 5000,
  solicitationTtlS: 3600,
  confirmUnderReview: 'conflict' as ConfirmUnderReviewBehaviour,
  rejectMerchantUrls: true,
  requireStoreRefs: true,
  rejectBlankPlatform: true,
  rejectLegacyTaxFields: true,
  checkItemTotals: true,
  rejectIdentityChange: true,
  enforceRetryAfter: true,
  approvalTtlS: 1800,
  seed: 20240611,
  requestLogLimit: 50_000,
} as const;

export const MAX_BODY_BYTES = 1024 * 1024;

/** The sandbox's SeQura behaviour settings, each optional with its default in SANDBOX_DEFAULTS. */
export interface SettingsInput {
  /** Default 'sandbox-user'. */
  username?: string;
  /** Default 'sandbox-secret' (a documented development password, not a secret). */
  password?: string;
  /** Merchant refs owned by the credentials; default ['pos_demo_es']. */
  merchants?: string[];
  /** Successful SMS per order (within smsWindowS) before form_deliveries answers 429; default 3. */
  smsLimit?: number;
  /** Review outcomes resolve this long after the shopper finished; default 5000. */
  reviewDelayMs?: number;
  /** A solicitation nobody completed expires after this; default 3600. */
  solicitationTtlS?: number;
  /** No console output at all (errors included). */
  quiet?: boolean;
  /** Window of the SMS limit, seconds; default 600. Retry-After counts down to the oldest SMS leaving it. */
  smsWindowS?: number;
  /** PUT state=confirmed on an order under review: 'conflict' (409, default) or 'on_hold' (200, stays on hold). */
  confirmUnderReview?: ConfirmUnderReviewBehaviour;
  /**
   * The sandbox is as strict as SeQura by default; `strict: false` makes every rule below lenient unless it is
   * set on its own (docs/sandbox.md, "Strict by default").
   */
  strict?: boolean;
  /** 409 when a payload carries notify_url/return_url/approved_url (default true). */
  rejectMerchantUrls?: boolean;
  /** 409 for a store order without merchant.store_ref or merchant.operator_ref (default true). */
  requireStoreRefs?: boolean;
  /** 409 for blank platform.version/uname/db_name/db_version (default true). */
  rejectBlankPlatform?: boolean;
  /** 409 for legacy *_without_tax / tax_rate fields (default true). */
  rejectLegacyTaxFields?: boolean;
  /** 409 when an item's total_with_tax is not price_with_tax × quantity (default true). */
  checkItemTotals?: boolean;
  /** 409 when the shopper's identity changes at confirmation (default true). */
  rejectIdentityChange?: boolean;
  /** 429 again for a request of the same order that arrives before its Retry-After (default true). */
  enforceRetryAfter?: boolean;
  /** An approval not confirmed within this many seconds expires; null never (default 1800). */
  approvalTtlS?: number | null;
  /** Seed of the fault generator (reproducible chaos runs); default fixed. */
  seed?: number;
  /** Request log capacity (most recent entries kept); default 50,000. */
  requestLogLimit?: number;
  /** Print one line per SeQura request to stdout (slow; for people watching a terminal). */
  logRequests?: boolean;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`Sandbox setting ${name} must be a non-negative number, got ${value}`);
  return value;
}

export function resolveSettings(input: SettingsInput): SandboxSettings {
  const merchants = input.merchants ?? [...SANDBOX_DEFAULTS.merchants];
  if (merchants.length === 0 || merchants.some((ref) => ref.trim() === '' || ref.includes('/'))) {
    throw new Error('Sandbox setting merchants must be a non-empty list of refs without "/"');
  }
  const username = input.username ?? SANDBOX_DEFAULTS.username;
  if (username.includes(':')) throw new Error('Sandbox username cannot contain ":" (HTTP Basic auth)');
  const confirmUnderReview = input.confirmUnderReview ?? SANDBOX_DEFAULTS.confirmUnderReview;
  if (confirmUnderReview !== 'conflict' && confirmUnderReview !== 'on_hold') {
    throw new Error(
      `Sandbox setting confirmUnderReview must be 'conflict' or 'on_hold', got ${String(confirmUnderReview)}`,
    );
  }
  const strict = input.strict ?? true;
  return {
    username,
    password: input.password ?? SANDBOX_DEFAULTS.password,
    merchants: [...new Set(merchants)],
    smsLimit: Math.floor(nonNegative('smsLimit', input.smsLimit ?? SANDBOX_DEFAULTS.smsLimit)),
    smsWindowS: nonNegative('smsWindowS', input.smsWindowS ?? SANDBOX_DEFAULTS.smsWindowS),
    reviewDelayMs: nonNegative('reviewDelayMs', input.reviewDelayMs ?? SANDBOX_DEFAULTS.reviewDelayMs),
    solicitationTtlS: nonNegative('solicitationTtlS', input.solicitationTtlS ?? SANDBOX_DEFAULTS.solicitationTtlS),
    confirmUnderReview,
    rejectMerchantUrls: input.rejectMerchantUrls ?? (strict && SANDBOX_DEFAULTS.rejectMerchantUrls),
    requireStoreRefs: input.requireStoreRefs ?? (strict && SANDBOX_DEFAULTS.requireStoreRefs),
    rejectBlankPlatform: input.rejectBlankPlatform ?? (strict && SANDBOX_DEFAULTS.rejectBlankPlatform),
    rejectLegacyTaxFields: input.rejectLegacyTaxFields ?? (strict && SANDBOX_DEFAULTS.rejectLegacyTaxFields),
    checkItemTotals: input.checkItemTotals ?? (strict && SANDBOX_DEFAULTS.checkItemTotals),
    rejectIdentityChange: input.rejectIdentityChange ?? (strict && SANDBOX_DEFAULTS.rejectIdentityChange),
    enforceRetryAfter: input.enforceRetryAfter ?? (strict && SANDBOX_DEFAULTS.enforceRetryAfter),
    approvalTtlS:
      input.approvalTtlS === undefined
        ? strict
          ? SANDBOX_DEFAULTS.approvalTtlS
          : null
        : input.approvalTtlS === null
          ? null
          : nonNegative('approvalTtlS', input.approvalTtlS),
    seed: Math.floor(input.seed ?? SANDBOX_DEFAULTS.seed),
    requestLogLimit: Math.max(
      1,
      Math.floor(nonNegative('requestLogLimit', input.requestLogLimit ?? SANDBOX_DEFAULTS.requestLogLimit)),
    ),
    logRequests: input.logRequests ?? false,
    quiet: input.quiet ?? false,
  };
}
