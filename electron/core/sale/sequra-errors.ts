import type { ErrorSummary, SaleRecord } from '../../../shared/sale/sale-record.ts';
import { AppError, codeForSequraKind } from '../errors.ts';
import { SequraError, toErrorSummary as clientSummary } from '../sequra/errors.ts';

// From the client's typed errors to what the cashier's screen needs: a code to pick words, SeQura's own
// reasons (credentials and personal data already redacted by the client), and whether trying again helps.
// The kind → code table is the core's (errors.ts); this only adds the reasons and the time.
export function toErrorSummary(error: unknown, at: string): ErrorSummary {
  const summary = clientSummary(error);
  const reasons =
    error instanceof SequraError && error.messages.length > 0
      ? error.messages.slice(0, 20).map((m) => m.slice(0, 500))
      : undefined;
  return {
    // The renderer picks the cashier's words by this code (sequra_unreachable, sequra_unknown_outcome…).
    code: codeForSequraKind(summary.kind),
    message: summary.message,
    retryable: summary.retryable,
    ...(reasons ? { reasons } : {}),
    at,
  };
}

/** The error thrown back to the renderer; the sale itself (with `lastError`) is already saved and pushed. */
export function toAppError(error: unknown, _sale: SaleRecord): AppError {
  if (error instanceof AppError) return error;
  const summary = clientSummary(error);
  const reasons = error instanceof SequraError && error.messages.length ? error.messages.slice(0, 20) : undefined;
  return new AppError(codeForSequraKind(summary.kind), summary.message, {
    retryable: summary.retryable,
    ...(reasons ? { reasons } : {}),
  });
}
