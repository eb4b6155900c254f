import { z } from 'zod';

// Every answer that crosses the process boundary is one of these two shapes. Nothing throws across it:
// Electron would pass only `error.message`, and the renderer needs a code to pick its words.
export const ERROR_CODES = [
  'invalid_request', // the request failed its zod schema (wrong types, extra fields, oversized strings)
  'unknown_channel',
  'forbidden_sender', // not our own page
  'not_found',
  'conflict', // the action does not fit the sale's current step
  'sequra_rejected', // SeQura answered 409 / 4xx with reasons
  'sequra_unreachable',
  'sequra_unknown_outcome',
  'sequra_rate_limited',
  'sequra_auth',
  'locked', // till locked or PIN required
  'personal_data_removed', // the shopper's data was purged (retention): a SeQura call needing it cannot be sent
  // The till cannot record right now (electron/core/db/storage-error.ts): nothing was done, nothing recorded
  // before is lost, and it works again by itself once the fault is gone.
  'storage_full', // the disk is full: free space
  'storage_read_only', // the data folder cannot be written
  'storage_io', // the disk reported an error
  'storage_corrupt', // the till database is damaged
  'storage_newer_version', // the database was written by a newer version of the app
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const IpcErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(2000),
  retryable: z.boolean(),
  /** Field path → validation code, for forms. */
  fields: z.record(z.string(), z.string()).optional(),
  /** SeQura's own reasons, shown to the cashier verbatim when useful. */
  reasons: z.array(z.string()).optional(),
});
export type IpcError = z.infer<typeof IpcErrorSchema>;

export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: IpcError };

export function ipcFail(
  code: ErrorCode,
  message: string,
  extra: Partial<Omit<IpcError, 'code' | 'message'>> = {},
): IpcResult<never> {
  return { ok: false, error: { code, message, retryable: extra.retryable ?? false, ...extra } };
}
