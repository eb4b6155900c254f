// The one entry point both transports (Electron IPC, preview WebSocket) share, with the real contract:
// every malformed or unwelcome request becomes a typed error, nothing ever throws across the boundary,
// and nothing outside a response schema reaches the renderer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors.ts';
import { createFileLogger } from '../../electron/core/log/logger.ts';
import { createDispatcher, type Handlers } from '../../electron/core/ipc/dispatcher.ts';
import { CHANNELS } from '../../shared/ipc/channels.ts';
import { contract } from '../../shared/ipc/contract.ts';
import type { IpcResult } from '../../shared/ipc/result.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';

const status: TillStatus = {
  appVersion: '0.1.0',
  mode: 'training',
  environment: { kind: 'training-sandbox', baseUrl: 'http://127.0.0.1:4010' },
  merchantId: 'dummy_pos',
  storeRef: 'FORMACION',
  tillId: '01',
  language: 'es',
  connectivity: {
    state: 'online',
    since: null,
    lastCheckedAt: null,
    lastError: null,
    pendingCount: 0,
    oldestPendingAt: null,
  },
  trainingPhoneBaseUrl: null,
  recovery: null,
  database: null,
  config: { state: 'absent', path: null, problems: [], values: [] },
  policy: {
    requireNinControl: false,
    usesShippedCart: false,
    offlineGoodsRelease: 'hold',
    allowedProducts: null,
    autoLockMinutes: 5,
    personalDataDays: 30,
    retentionDays: 90,
    receipt: { printerConfigured: false, paperWidthMm: 80 },
  },
  session: null,
  setup: {
    managerExists: false,
    operatorsLost: false,
    credentialsStored: false,
    enrolmentFilePath: null,
    enrolment: null,
    liveBlockedReason: 'no_config',
    auditChain: { state: 'ok', entries: 0, problem: null, brokenAtSeq: null, unverifiable: 0 },
  },
};

function setup(overrides: Partial<Record<keyof Handlers, (request: never) => Promise<unknown>>> = {}) {
  const calls: Array<{ channel: string; request: unknown }> = [];
  const warnings: Array<{ event: string; data: Record<string, unknown> }> = [];
  const record = (channel: string, answer: (request: never) => Promise<unknown>) => async (request: never) => {
    calls.push({ channel, request });
    return answer(request);
  };
  // Only the channels this file exercises; any other is absent and would land in the `internal` path.
  const handlers = {
    'app.getStatus': record('app.getStatus', overrides['app.getStatus'] ?? (async () => status)),
    'app.setLanguage': record(
      'app.setLanguage',
      overrides['app.setLanguage'] ?? (async ({ language }: { language: 'es' | 'en' }) => ({ ...status, language })),
    ),
    'connectivity.checkNow': record(
      'connectivity.checkNow',
      overrides['connectivity.checkNow'] ?? (async () => status.connectivity),
    ),
    'sale.start': record('sale.start', overrides['sale.start'] ?? (async () => ({}))),
  } as unknown as Handlers;
  const dispatch = createDispatcher(handlers, { warn: (event, data) => warnings.push({ event, data }) });
  return { dispatch, calls, warnings };
}

function errorOf(result: IpcResult<unknown>) {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('createDispatcher', () => {
  it('answers a valid request with the handler data', async () => {
    const { dispatch, calls } = setup();
    await expect(dispatch('app.getStatus', {}, true)).resolves.toEqual({ ok: true, data: status });
    const changed = await dispatch('app.setLanguage', { language: 'en' }, true);
    expect(changed).toEqual({ ok: true, data: { ...status, language: 'en' } });
    expect(calls.map((c) => c.channel)).toEqual(['app.getStatus', 'app.setLanguage']);
  });

  it('wrong types → invalid_request naming the field, handler never called', async () => {
    const { dispatch, calls } = setup();
    const numeric = errorOf(await dispatch('app.setLanguage', { language: 42 }, true));
    expect(numeric).toMatchObject({ code: 'invalid_request', retryable: false, fields: { language: 'invalid_value' } });
    const unknownLanguage = errorOf(await dispatch('app.setLanguage', { language: 'fr' }, true));
    expect(unknownLanguage.code).toBe('invalid_request');
    expect(unknownLanguage.fields).toHaveProperty('language');
    for (const request of [undefined, null, 'es', 42, [], [{ language: 'es' }]]) {
      expect(errorOf(await dispatch('app.setLanguage', request, true)).code).toBe('invalid_request');
    }
    expect(calls).toEqual([]);
  });

  it('extra fields → invalid_request (requests are strict), including a __proto__ key', async () => {
    const { dispatch, calls } = setup();
    const extra = errorOf(await dispatch('app.getStatus', { includeSecrets: true }, true));
    expect(extra).toMatchObject({ code: 'invalid_request', fields: { '(request)': 'unrecognized_keys' } });
    const alsoExtra = errorOf(await dispatch('app.setLanguage', { language: 'es', admin: true }, true));
    expect(alsoExtra.code).toBe('invalid_request');
    // What JSON.parse (and IPC's structured clone) produce for {"__proto__": …}: an own key.
    const polluted = errorOf(await dispatch('app.getStatus', JSON.parse('{"__proto__":{"isAdmin":true}}'), true));
    expect(polluted.code).toBe('invalid_request');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('oversized strings → invalid_request (too_big), handler never called', async () => {
    const { dispatch, calls } = setup();
    const ok = await dispatch('sale.start', { saleId: 's'.repeat(64) }, true);
    // A 64-character id passes validation (the stub handler's answer then fails the response schema).
    expect(errorOf(ok).code).not.toBe('invalid_request');
    const oversized = errorOf(await dispatch('sale.start', { saleId: 's'.repeat(65) }, true));
    expect(oversized).toMatchObject({ code: 'invalid_request', fields: { saleId: 'too_big' } });
    const huge = errorOf(await dispatch('sale.start', { saleId: 's'.repeat(5_000_000) }, true));
    expect(huge.code).toBe('invalid_request');
    expect(calls.filter((c) => (c.request as { saleId: string }).saleId.length > 64)).toEqual([]);
  });

  it('unknown channel → unknown_channel, whatever the channel value is', async () => {
    const { dispatch } = setup();
    for (const channel of [
      'app.deleteEverything',
      'APP.GETSTATUS',
      '',
      'constructor',
      '__proto__',
      42,
      null,
      undefined,
      {},
      ['app.getStatus'],
    ]) {
      const error = errorOf(await dispatch(channel, {}, true));
      expect(error.code, String(channel)).toBe('unknown_channel');
    }
  });

  it('untrusted sender → forbidden_sender before anything else, and it is logged', async () => {
    const { dispatch, calls, warnings } = setup();
    expect(errorOf(await dispatch('app.getStatus', {}, false))).toMatchObject({
      code: 'forbidden_sender',
      retryable: false,
    });
    // Checked before the channel: a foreign page learns nothing about which channels exist.
    expect(errorOf(await dispatch('no.such', {}, false)).code).toBe('forbidden_sender');
    expect(calls).toEqual([]);
    expect(warnings.map((w) => w.event)).toEqual(['ipc.forbidden_sender', 'ipc.forbidden_sender']);
  });

  it('a handler that throws AppError → its code, message and retryable flag', async () => {
    const { dispatch } = setup({
      'app.getStatus': async () => {
        throw new AppError('sequra_unreachable', 'SeQura did not answer.', { retryable: true });
      },
    });
    const result = await dispatch('app.getStatus', {}, true);
    expect(result).toEqual({
      ok: false,
      error: { code: 'sequra_unreachable', message: 'SeQura did not answer.', retryable: true },
    });
  });

  it('a storage fault, from the file system or from SQLite → its storage_* code (retryable unless the database is damaged)', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['ENOSPC', 'storage_full', true],
      ['EROFS', 'storage_read_only', true],
      ['EIO', 'storage_io', true],
      ['SQLITE_FULL', 'storage_full', true],
      ['SQLITE_READONLY_DBMOVED', 'storage_read_only', true],
      ['SQLITE_CORRUPT', 'storage_corrupt', false],
    ];
    for (const [cause, code, retryable] of cases) {
      const { dispatch, warnings } = setup({
        'app.getStatus': async () => {
          throw Object.assign(new Error(`${cause}: write failed`), { code: cause });
        },
      });
      const error = errorOf(await dispatch('app.getStatus', {}, true));
      expect({ cause, code: error.code, retryable: error.retryable }).toEqual({ cause, code, retryable });
      expect(warnings.map((w) => w.event)).toEqual(['ipc.storage_fault']);
    }
  });

  it('a handler that throws a plain Error → internal, without leaking its message (not even to the log)', async () => {
    const secretMessage = 'connect failed for user merchant_pos password=hunter2 at /home/till/.config';
    const { dispatch, warnings } = setup({
      'app.getStatus': async () => {
        throw new Error(secretMessage);
      },
    });
    const result = await dispatch('app.getStatus', {}, true);
    const error = errorOf(result);
    expect(error.code).toBe('internal');
    expect(error.retryable).toBe(true);
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(JSON.stringify(warnings)).not.toContain('hunter2');
    expect(warnings).toEqual([{ event: 'ipc.handler_failed', data: { channel: 'app.getStatus', error: 'Error' } }]);
  });

  it('a handler that throws a non-Error (string, undefined) → internal', async () => {
    for (const thrown of ['boom', undefined, { code: 'locked' }]) {
      const { dispatch } = setup({
        'app.getStatus': async () => {
          throw thrown;
        },
      });
      expect(errorOf(await dispatch('app.getStatus', {}, true)).code).toBe('internal');
    }
  });

  it('keys outside the response schema are stripped: a secret never reaches the renderer', async () => {
    // zod objects (non-strict) drop unknown keys on parse; the dispatcher returns the parsed value.
    expect(contract['app.getStatus'].response.safeParse({ ...status, password: 'x' }).success).toBe(true);
    const { dispatch } = setup({
      'app.getStatus': async () => ({
        ...status,
        password: 'hunter2',
        environment: { ...status.environment, apiKey: 'sk_live_secret' },
      }),
    });
    const result = await dispatch('app.getStatus', {}, true);
    expect(result).toEqual({ ok: true, data: status });
    expect(JSON.stringify(result)).not.toMatch(/hunter2|sk_live_secret|password|apiKey/);
  });

  it('a response that violates its schema → internal, and the bad data is not returned', async () => {
    const { dispatch, warnings } = setup({
      'app.getStatus': async () => ({ ...status, mode: 'superuser', merchantId: 'm'.repeat(101) }),
    });
    const result = await dispatch('app.getStatus', {}, true);
    expect(errorOf(result)).toMatchObject({ code: 'internal', message: 'The till produced an invalid answer.' });
    expect(JSON.stringify(result)).not.toContain('superuser');
    expect(warnings[0]?.event).toBe('ipc.invalid_response');
  });

  it('never throws, whatever arrives, on every channel', async () => {
    const { dispatch } = setup();
    const garbage: unknown[] = [
      undefined,
      null,
      0,
      -1,
      NaN,
      '',
      'x'.repeat(10_000),
      true,
      [],
      [1, 2],
      { a: 1 },
      { saleId: 1 },
      { language: null },
    ];
    for (const channel of [...CHANNELS, 'nope', 7]) {
      for (const request of garbage) {
        for (const trusted of [true, false]) {
          const result = await dispatch(channel, request, trusted);
          expect(result.ok, `${String(channel)} ${JSON.stringify(request)}`).toBe(false);
          if (!result.ok) expect(typeof result.error.code).toBe('string');
        }
      }
    }
  });

  it('still answers when its logger fails (a read-only data folder), on the sender and handler error paths', async () => {
    // The log's folder is a file: every write fails, whoever runs the test (root ignores read-only modes).
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-log-'));
    writeFileSync(join(dir, 'logs'), 'not a folder');
    const log = createFileLogger(join(dir, 'logs', 'sequra-pos.log'));
    const handlers = {
      'app.getStatus': async () => {
        throw new Error('disk full');
      },
    } as unknown as Handlers;
    const dispatch = createDispatcher(handlers, log);
    try {
      expect(errorOf(await dispatch('app.getStatus', {}, true)).code).toBe('internal');
      expect(errorOf(await dispatch('app.getStatus', {}, false)).code).toBe('forbidden_sender');
      const throwing = createDispatcher(handlers, {
        warn: () => {
          throw new Error('EROFS');
        },
      });
      expect(errorOf(await throwing('app.getStatus', {}, true)).code).toBe('internal');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
