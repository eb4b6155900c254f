import type { SequraErrorKind } from './sequra/errors.ts';

// The core's own failures: what a service throws when a request cannot be done, in the core's words. The
// transports never see this class: the dispatcher maps every code to the IPC contract's error codes
// (ipc/dispatcher.ts), so the contract can change without touching a service, and a service can never
// produce a transport-only code (unknown channel, forbidden sender).
export const CORE_ERROR_CODES = [
  'invalid_request', // the request made it past its schema but does not make sense (missing credentials, …)
  'not_found',
  'conflict', // the action does not fit the current state (a sale's step, a missing configuration)
  'locked', // signed out, locked, or a PIN (manager or own) is required
  'personal_data_removed', // the shopper's data was purged (retention): a call needing it can no longer be sent
  'sequra_rejected',
  'sequra_unreachable',
  'sequra_unknown_outcome',
  'sequra_rate_limited',
  'sequra_auth',
  'internal',
] as const;
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

export interface CoreErrorDetail {
  retryable?: boolean;
  /** Field path → validation code, for forms. */
  fields?: Record<string, string>;
  /** SeQura's own reasons, already redacted. */
  reasons?: string[];
}

/** An expected failure the cashier should be told about; anything else a service throws is `internal`. */
export class AppError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    readonly extra: CoreErrorDetail = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

// What each kind of SeQura client failure means for the till. The client only knows its own kinds; this table
// is where the core decides how a cashier-facing failure reads (and whether trying again helps is the client's
// `retryable`).
const SEQURA_FAILURE: Record<SequraErrorKind, CoreErrorCode> = {
  validation: 'sequra_rejected',
  conflict: 'sequra_rejected',
  not_found: 'sequra_rejected',
  unauthorized: 'sequra_auth',
  forbidden: 'sequra_auth', // merchant id not owned by these credentials: a configuration problem
  rate_limited: 'sequra_rate_limited',
  server: 'sequra_unreachable',
  offline: 'sequra_unreachable',
  timeout: 'sequra_unreachable',
  unknown_outcome: 'sequra_unknown_outcome',
  unexpected_response: 'internal',
  invalid_payload: 'invalid_request',
};

/** The core's code for a SeQura client error kind (as stored on an outbox instruction); unknown kinds are `internal`. */
export function codeForSequraKind(kind: string | null | undefined): CoreErrorCode {
  return kind && kind in SEQURA_FAILURE ? SEQURA_FAILURE[kind as SequraErrorKind] : 'internal';
}
