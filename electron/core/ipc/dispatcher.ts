import type { z } from 'zod';
import { isChannel, type Channel } from '../../../shared/ipc/channels.ts';
import { contract, type ResponseOf } from '../../../shared/ipc/contract.ts';
import { ipcFail, type ErrorCode, type IpcResult } from '../../../shared/ipc/result.ts';
import { storageErrorOf, type StorageErrorCode } from '../db/storage-error.ts';
import { AppError, type CoreErrorCode } from '../errors.ts';

export type Handlers = {
  [C in Channel]: (request: z.output<(typeof contract)[C]['request']>) => Promise<ResponseOf<C>>;
};

/**
 * The core's failures in the contract's words. Written out in full so that a new core code cannot reach the
 * renderer without a decision here (the compiler asks for it).
 */
const CONTRACT_CODE: Record<CoreErrorCode, ErrorCode> = {
  invalid_request: 'invalid_request',
  not_found: 'not_found',
  conflict: 'conflict',
  locked: 'locked',
  sequra_rejected: 'sequra_rejected',
  sequra_unreachable: 'sequra_unreachable',
  sequra_unknown_outcome: 'sequra_unknown_outcome',
  sequra_rate_limited: 'sequra_rate_limited',
  personal_data_removed: 'personal_data_removed',
  sequra_auth: 'sequra_auth',
  internal: 'internal',
};

/** Storage faults keep their own codes: the cashier is told the till cannot record, and what to do. */
const STORAGE_CODE: Record<StorageErrorCode, ErrorCode> = {
  storage_full: 'storage_full',
  storage_read_only: 'storage_read_only',
  storage_io: 'storage_io',
  storage_corrupt: 'storage_corrupt',
  storage_newer_version: 'storage_newer_version',
};

export interface DispatchLog {
  warn(event: string, data: Record<string, unknown>): void;
}

/** Largest request we accept, in characters of JSON; bigger ones are refused before parsing. */
export const MAX_REQUEST_CHARS = 256 * 1024;

/**
 * Runs before the request is parsed: may refuse the call (throws an AppError). The access gate is one
 * (ipc/access-middleware.ts): a locked till never parses, let alone answers, a request it would refuse.
 */
export type Guard = (channel: Channel, request: unknown) => Promise<void>;
/** Wraps the handler once the request is valid (the audit trail is one). */
export type Middleware = (channel: Channel, request: unknown, next: () => Promise<unknown>) => Promise<unknown>;

/**
 * One entry point for both transports (Electron IPC and the preview WebSocket): checks the sender, runs the
 * guards, validates the request, runs the handler through the middleware, validates the response. Never throws.
 */
export function createDispatcher(
  handlers: Handlers,
  dispatchLog: DispatchLog,
  pipeline: { guards?: Guard[]; middleware?: Middleware[] } = {},
) {
  const guards = pipeline.guards ?? [];
  const middleware = pipeline.middleware ?? [];
  // The log is a side channel: when it fails (a read-only or full data folder) the request is still answered.
  const log: DispatchLog = {
    warn(event, data) {
      try {
        dispatchLog.warn(event, data);
      } catch {
        // the answer below says what happened; the log cannot
      }
    },
  };
  return async function dispatch(
    channel: unknown,
    request: unknown,
    senderTrusted: boolean,
  ): Promise<IpcResult<unknown>> {
    if (!senderTrusted) {
      log.warn('ipc.forbidden_sender', { channel: String(channel).slice(0, 60) });
      return ipcFail('forbidden_sender', 'Request refused: it did not come from the till app.');
    }
    if (!isChannel(channel)) return ipcFail('unknown_channel', 'Unknown request.');
    try {
      for (const guard of guards) await guard(channel, request);
      const parsed = contract[channel].request.safeParse(request);
      if (!parsed.success) {
        return ipcFail('invalid_request', 'The request was not valid.', { fields: issuesToFields(parsed.error) });
      }
      const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
      const run = middleware.reduceRight<() => Promise<unknown>>(
        (next, wrap) => () => wrap(channel, parsed.data, next),
        () => handler(parsed.data),
      );
      const data = await run();
      // Validating our own answer keeps anything outside the contract (a secret, an internal field)
      // from ever reaching the renderer.
      const checked = contract[channel].response.safeParse(data);
      if (!checked.success) {
        log.warn('ipc.invalid_response', { channel, issues: checked.error.issues.length });
        return ipcFail('internal', 'The till produced an invalid answer.');
      }
      return { ok: true, data: checked.data };
    } catch (error) {
      if (error instanceof AppError) {
        return ipcFail(CONTRACT_CODE[error.code], error.message, error.extra);
      }
      // A fault of the disk under the till (full, read-only, failing, damaged), from whichever layer noticed it.
      // Retryable: the transaction rolled back, nothing was sent, and the same press works once it is fixed.
      const storage = storageErrorOf(error);
      if (storage) {
        log.warn('ipc.storage_fault', { channel, code: storage.code, cause: storage.cause_code });
        return ipcFail(STORAGE_CODE[storage.code], storage.message, {
          retryable: storage.code !== 'storage_corrupt' && storage.code !== 'storage_newer_version',
        });
      }
      log.warn('ipc.handler_failed', { channel, error: error instanceof Error ? error.name : 'unknown' });
      return ipcFail('internal', 'Something went wrong in the till.', { retryable: true });
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;

function issuesToFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues.slice(0, 50)) {
    const path = issue.path.map(String).join('.') || '(request)';
    fields[path] ??= issue.code;
  }
  return fields;
}
