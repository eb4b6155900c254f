// What GET /__sandbox/config answers and RunningSandbox.config holds: where the sandbox listens, its
// credentials and the settings a client may want to know. The training sandbox needs it too (the app signs in
// with these credentials), so it lives apart from the control API.
import type { SandboxRuntime } from './context.ts';

export interface SandboxPublicConfig {
  base_url: string;
  username: string;
  password: string;
  merchants: Array<{ ref: string; country: 'ES' }>;
  sms_limit: number;
  review_delay_ms: number;
  solicitation_ttl_s: number;
  /** An approval not confirmed within this many seconds expires; null: never. */
  approval_ttl_s: number | null;
  /** Every SeQura rule the sandbox can relax is on (the default). */
  strict: boolean;
}

export function publicConfig(runtime: SandboxRuntime): SandboxPublicConfig {
  const { settings } = runtime;
  return {
    base_url: runtime.baseUrl,
    username: settings.username,
    password: settings.password,
    merchants: settings.merchants.map((ref) => ({ ref, country: 'ES' as const })),
    sms_limit: settings.smsLimit,
    review_delay_ms: settings.reviewDelayMs,
    solicitation_ttl_s: settings.solicitationTtlS,
    approval_ttl_s: settings.approvalTtlS,
    strict:
      settings.rejectMerchantUrls &&
      settings.requireStoreRefs &&
      settings.rejectBlankPlatform &&
      settings.rejectLegacyTaxFields &&
      settings.checkItemTotals &&
      settings.rejectIdentityChange &&
      settings.enforceRetryAfter,
  };
}
