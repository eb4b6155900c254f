// Sandbox settings: the options callers pass, resolved against documented defaults.
// Every behaviour SeQura does not document (spec §8.3, §9) is a setting here, defaulting to what the spec recommends.

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
  /** Manual-confirmation merchants must not send notify_url/return_url/approved_url; by default they are accepted and ignored. */
  rejectMerchantUrls: boolean;
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
  rejectMerchantUrls: false,
  seed: 20240611,
  requestLogLimit: 50_000,
} as const;

export const MAX_BODY_BYTES = 1024 * 1024;

export interface SettingsInput {
  username?: string;
  password?: string;
  merchants?: string[];
  smsLimit?: number;
  smsWindowS?: number;
  reviewDelayMs?: number;
  solicitationTtlS?: number;
  confirmUnderReview?: ConfirmUnderReviewBehaviour;
  rejectMerchantUrls?: boolean;
  seed?: number;
  requestLogLimit?: number;
  logRequests?: boolean;
  quiet?: boolean;
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
  return {
    username,
    password: input.password ?? SANDBOX_DEFAULTS.password,
    merchants: [...new Set(merchants)],
    smsLimit: Math.floor(nonNegative('smsLimit', input.smsLimit ?? SANDBOX_DEFAULTS.smsLimit)),
    smsWindowS: nonNegative('smsWindowS', input.smsWindowS ?? SANDBOX_DEFAULTS.smsWindowS),
    reviewDelayMs: nonNegative('reviewDelayMs', input.reviewDelayMs ?? SANDBOX_DEFAULTS.reviewDelayMs),
    solicitationTtlS: nonNegative('solicitationTtlS', input.solicitationTtlS ?? SANDBOX_DEFAULTS.solicitationTtlS),
    confirmUnderReview,
    rejectMerchantUrls: input.rejectMerchantUrls ?? SANDBOX_DEFAULTS.rejectMerchantUrls,
    seed: Math.floor(input.seed ?? SANDBOX_DEFAULTS.seed),
    requestLogLimit: Math.max(
      1,
      Math.floor(nonNegative('requestLogLimit', input.requestLogLimit ?? SANDBOX_DEFAULTS.requestLogLimit)),
    ),
    logRequests: input.logRequests ?? false,
    quiet: input.quiet ?? false,
  };
}
